// bpfspec reference site: instant search (press "/") and the matrix filters.
// No external resources and no fetch(): the search index is a script, loaded on first use,
// so everything works from file:// and offline. Spec text only ever reaches the page through
// textContent, never as HTML.
(function () {
  "use strict";

  var html = document.documentElement;
  var root = html.getAttribute("data-root") || "";
  var indexSrc = html.getAttribute("data-search-index");

  /* ---------- search index ---------- */

  var items = null;
  var ptIndex = {};
  var waiting = [];
  var loading = false;

  function withIndex(callback) {
    if (items) { callback(); return; }
    waiting.push(callback);
    if (loading) { return; }
    loading = true;
    if (window.BPFSPEC_INDEX) { prepare(); return; }
    var script = document.createElement("script");
    script.src = indexSrc;
    script.onload = prepare;
    script.onerror = function () { loading = false; };
    document.head.appendChild(script);
  }

  function prepare() {
    var raw = window.BPFSPEC_INDEX;
    raw.pt.forEach(function (name, i) { ptIndex[name] = i; });
    items = raw.items.map(function (e) {
      return {
        kind: e[0], name: e[1], alt: e[2], id: e[3], since: e[4], summary: e[5], url: e[6],
        n: e[1].toLowerCase(), a: e[2].toLowerCase(), s: e[5].toLowerCase(), k: e[7], pts: e[8]
      };
    });
    waiting.splice(0).forEach(function (f) { f(); });
  }

  /* ---------- scoring ---------- */

  function tokenScore(it, t) {
    var best = 0;
    if (/^\d+$/.test(t) && String(it.id) === t) {
      return it.kind === "helper" ? 1000 : 700;
    }
    if (/^\d+\.\d+$/.test(t) && it.since === t) { best = 80; }
    var bare = it.n.replace(/^bpf_/, "");
    if (it.n === t || bare === t || it.a === t) { return 900; }
    if (it.n.indexOf(t) === 0 || bare.indexOf(t) === 0) { best = Math.max(best, 600); }
    else if (("_" + it.n).indexOf("_" + t) >= 0) { best = Math.max(best, 450); }
    else if (it.n.indexOf(t) >= 0 || it.a.indexOf(t) >= 0) { best = Math.max(best, 300); }
    if (best < 120) {
      var at = it.s.indexOf(t);
      if (at >= 0) { best = Math.max(best, at === 0 || /\W/.test(it.s.charAt(at - 1)) ? 120 : 90); }
    }
    if (best < 50 && it.k.indexOf(t) >= 0) { best = 50; }
    var p = ptIndex[t];
    if (p !== undefined && it.pts.indexOf(p) >= 0) { best = Math.max(best, 40); }
    return best;
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var tokens = q.split(/\s+/);
    var joined = tokens.join("_");
    var out = [];
    items.forEach(function (it) {
      var total = 0;
      for (var i = 0; i < tokens.length; i++) {
        var s = tokenScore(it, tokens[i]);
        if (!s) { return; }
        total += s;
      }
      if (tokens.length > 1 && it.n.indexOf(joined) >= 0) { total += 500; }
      if (it.kind === "helper") { total += 5; }
      out.push({ it: it, score: total });
    });
    out.sort(function (x, y) {
      return y.score - x.score || x.it.name.length - y.it.name.length || x.it.id - y.it.id;
    });
    return out.slice(0, 40);
  }

  /* ---------- search box ---------- */

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.querySelector(".search-status");
  var active = -1;
  var shown = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function render() {
    var query = input.value;
    list.textContent = "";
    active = -1;
    if (!query.trim()) { close(); return; }
    shown = search(query);
    if (!shown.length) {
      list.appendChild(el("li", "r-empty", "Nothing matches “" + query.trim() + "”."));
    }
    shown.forEach(function (r, i) {
      var li = el("li");
      li.id = "sr-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = el("a");
      a.href = root + r.it.url;
      a.tabIndex = -1;
      a.appendChild(el("span", "r-kind", r.it.kind));
      a.appendChild(el("span", "r-name", r.it.name));
      a.appendChild(el("span", "r-meta", "#" + r.it.id + " · " + r.it.since));
      a.appendChild(el("span", "r-sum", r.it.summary));
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = shown.length ? shown.length + " results" : "no results";
    if (shown.length) { move(0); }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function move(to) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
    active = (to + options.length) % options.length;
    options[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function update() { withIndex(render); }

  if (input && list) {
    input.addEventListener("focus", function () { withIndex(function () {}); });
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { update(); } else { move(active + 1); } }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
      else if (e.key === "Enter") {
        var target = list.querySelectorAll("[role=option] a")[active < 0 ? 0 : active];
        if (target && !list.hidden) { e.preventDefault(); window.location.href = target.href; }
      } else if (e.key === "Escape") {
        if (!list.hidden) { close(); } else { input.value = ""; input.blur(); }
      }
    });
    document.addEventListener("click", function (e) {
      if (!e.target.closest || !e.target.closest(".search")) { close(); }
    });
    input.addEventListener("focus", function () { if (input.value.trim() && items) { render(); } });
    Array.prototype.forEach.call(document.querySelectorAll("[data-query]"), function (b) {
      b.addEventListener("click", function (e) {
        e.stopPropagation();
        input.value = b.getAttribute("data-query");
        input.focus();
        update();
      });
    });
    // A query in the address (index.html#search=xdp) runs at once.
    var fromHash = /(?:^#|&)search=([^&]*)/.exec(window.location.hash);
    if (fromHash) { input.value = decodeURIComponent(fromHash[1]); update(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || !input) { return; }
    var t = e.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) { return; }
    e.preventDefault();
    input.focus();
    input.select();
  });

  /* ---------- copy buttons of the examples ---------- */

  // The Clipboard API is missing or refused on some file:// pages; a selected textarea and
  // execCommand("copy") work there.
  function copyText(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (b) {
    var code = document.getElementById(b.getAttribute("data-copy"));
    if (!code) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      copyText(code.textContent, function (ok) {
        b.textContent = ok ? "Copied" : "Select and copy by hand";
        b.setAttribute("data-copied", ok ? "1" : "0");
        setTimeout(function () { b.textContent = "Copy"; }, 2000);
      });
    });
  });

  /* ---------- matrix ---------- */

  var table = document.getElementById("matrix");
  if (!table) { return; }

  function version(v) {
    if (!v) { return Infinity; }
    var p = v.split(".");
    return parseInt(p[0], 10) * 1000 + parseInt(p[1], 10);
  }

  // A since as the pages print it: "5.8", "5.11–6.1" (started in one of these), "≤ 6.18"
  // (there by 6.18, start unknown). lo: the oldest release it can be in; hi: known from here.
  function since(v) {
    var m = /^(?:(≤)\s*|([0-9.]+)\s*–\s*)?([0-9.]+)$/.exec((v || "").trim());
    if (!m) { return { lo: -Infinity, hi: -Infinity }; }
    var hi = version(m[3]);
    return { lo: m[1] ? -Infinity : (m[2] ? version(m[2]) : hi), hi: hi };
  }

  // "yes", "no" or "unknown" (the kernel is inside the range).
  function presence(s, k) {
    if (k >= s.hi) { return "yes"; }
    return k >= s.lo ? "unknown" : "no";
  }

  var f = {
    text: document.getElementById("mx-text"),
    pt: document.getElementById("mx-pt"),
    map: document.getElementById("mx-map"),
    kernel: document.getElementById("mx-kernel"),
    hide: document.getElementById("mx-hide")
  };
  var count = document.getElementById("mx-count");
  var empty = document.getElementById("mx-empty");
  var form = document.getElementById("mx-filters");
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells, 1);
  var columns = heads.map(function (th) {
    return { th: th, pt: th.getAttribute("data-pt"), since: since(th.getAttribute("data-s")) };
  });
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
    var cells = Array.prototype.slice.call(tr.cells, 1);
    return {
      tr: tr,
      text: (tr.cells[0].textContent + " " + tr.getAttribute("data-id") + " " + tr.getAttribute("data-t")).toLowerCase(),
      id: tr.getAttribute("data-id"),
      since: since(tr.getAttribute("data-s")),
      maps: " " + tr.getAttribute("data-m") + " ",
      cells: cells.map(function (td) {
        return { td: td, on: td.className === "yes" || td.className === "cond", since: since(td.getAttribute("data-s")) };
      })
    };
  });

  function apply(writeState) {
    var q = f.text.value.trim().toLowerCase();
    var tokens = q ? q.split(/\s+/) : [];
    var col = -1;
    columns.forEach(function (c, j) { if (c.pt === f.pt.value) { col = j; } });
    var map = f.map.value;
    var k = version(f.kernel.value);
    var hide = f.hide.checked;
    // Only what the kernel is known to lack is hidden; what it may or may not have stays, marked.
    columns.forEach(function (c, j) {
      var p = presence(c.since, k);
      var gone = hide && p === "no";
      c.hidden = gone;
      c.th.hidden = gone;
      c.th.classList.toggle("sel", j === col);
      c.th.classList.toggle("future", p === "no");
      c.th.classList.toggle("unk", p === "unknown");
    });
    var visible = 0;
    var unknown = 0;
    rows.forEach(function (r) {
      var ok = tokens.every(function (t) { return t === r.id || r.text.indexOf(t) >= 0; });
      if (ok && map) { ok = r.maps.indexOf(" " + map + " ") >= 0; }
      if (ok && col >= 0) { ok = r.cells[col].on && (!hide || presence(r.cells[col].since, k) !== "no"); }
      var p = presence(r.since, k);
      if (ok && hide) { ok = p !== "no"; }
      r.tr.hidden = !ok;
      if (!ok) { return; }
      visible += 1;
      r.tr.classList.toggle("future", p === "no");
      r.tr.classList.toggle("unk", p === "unknown");
      r.cells.forEach(function (c, j) {
        c.td.hidden = columns[j].hidden;
        c.td.classList.toggle("sel", j === col);
        if (c.on) {
          var q = presence(c.since, k);
          c.td.classList.toggle("na", q === "no");
          c.td.classList.toggle("unk", q === "unknown");
          if (q === "unknown" && !c.td.hidden) { unknown += 1; }
        }
      });
    });
    count.textContent = visible + " of " + rows.length + " helpers" +
      (f.kernel.value ? " · as of Linux " + f.kernel.value : "") +
      (unknown ? " · " + unknown + " pairs unknown for it" : "");
    var target = col >= 0 && columns[col].th.getAttribute("data-note");
    empty.textContent = target ? "No helper is listed for " + columns[col].pt + ": it " + target + "." :
      "No helper matches these filters.";
    empty.hidden = visible > 0;
    if (writeState) { saveState(); }
  }

  var keys = { q: "text", pt: "pt", map: "map", k: "kernel" };

  function saveState() {
    var parts = [];
    Object.keys(keys).forEach(function (key) {
      var v = f[keys[key]].value.trim();
      if (v) { parts.push(key + "=" + encodeURIComponent(v)); }
    });
    if (f.hide.checked) { parts.push("hide=1"); }
    var hash = parts.length ? "#" + parts.join("&") : " ";
    try { history.replaceState(null, "", hash === " " ? window.location.pathname + window.location.search : hash); }
    catch (err) { window.location.hash = hash; }
  }

  // The address is the whole state: a filter it does not name goes back to its default.
  function loadState() {
    f.text.value = "";
    f.pt.value = "";
    f.map.value = "";
    f.kernel.value = "";
    f.hide.checked = false;
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var kv = pair.split("=");
      var v = decodeURIComponent(kv[1] || "");
      if (keys[kv[0]]) {
        var field = f[keys[kv[0]]];
        if (field.tagName === "SELECT" && !field.querySelector("option[value=\"" + CSS.escape(v) + "\"]")) { return; }
        field.value = v;
      } else if (kv[0] === "hide") {
        f.hide.checked = v === "1";
      }
    });
  }

  // Clicking (or tapping) a cell shows its conditions: tooltips do not exist on touch screens.
  var detail = document.createElement("p");
  detail.className = "mx-detail";
  detail.setAttribute("role", "status");
  form.appendChild(detail);
  table.addEventListener("click", function (e) {
    var td = e.target.closest && e.target.closest("td");
    if (!td) { return; }
    var tr = td.parentNode;
    var j = Array.prototype.indexOf.call(tr.cells, td) - 1;
    var name = tr.cells[0].textContent + " in " + columns[j].pt + ": ";
    var note = columns[j].th.getAttribute("data-note");
    detail.textContent = name + (td.title || (note ? "not listed; " + columns[j].pt + " " + note : "not callable"));
  });

  [f.text].forEach(function (i) { i.addEventListener("input", function () { apply(true); }); });
  [f.pt, f.map, f.kernel, f.hide].forEach(function (i) { i.addEventListener("change", function () { apply(true); }); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(function () { detail.textContent = ""; apply(true); }, 0); });
  window.addEventListener("hashchange", function () { loadState(); apply(false); });
  loadState();
  apply(false);
})();
