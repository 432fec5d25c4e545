//! The C types that helper signatures and program contexts use: the `specs/types/*.yaml`
//! schema, the one table that maps C types to Rust, and C struct layout as BPF lays it out.
//!
//! Kept apart from `spec`/`model`/`lower` so the type system can grow without touching them:
//! those modules only hold a `types` field and call [`lower`].
//!
//! Layouts follow the LP64 System V rules that both BPF and x86-64 use (pointers and `long`
//! are 8 bytes, every integer is aligned to its size, bit-fields never straddle a storage
//! unit of their declared type). The bindings test compares every computed layout with the
//! running kernel's BTF.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{closest, Diagnostic, FileId, Span};
use crate::spec::{FieldSpec, Parsed, Spanned, Specs, TypeKindSpec, TypeSpec};

// ---------------------------------------------------------------------------------------------
// Spec: mirrors `specs/types/<name>.yaml` exactly.

// ---------------------------------------------------------------------------------------------
// Model.

/// A C type that helpers or program contexts refer to, with its layout when it has one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TypeDef {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub header: Option<String>,
    pub body: TypeBody,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum TypeBody {
    Opaque,
    Aggregate(Aggregate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AggregateKind {
    Struct,
    Union,
}

/// A struct or union with its computed layout.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Aggregate {
    pub kind: AggregateKind,
    pub members: Vec<Member>,
    pub size: u32,
    pub align: u32,
    /// The explicit `aligned(N)`, if any (already folded into `align`).
    pub explicit_align: Option<u32>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Member {
    /// `None` for anonymous aggregates and unnamed padding bit-fields.
    pub name: Option<String>,
    /// Byte offset from the start of the enclosing aggregate (for bit-fields: of the byte
    /// holding the first bit).
    pub offset: u32,
    pub ty: MemberType,
    pub doc: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum MemberType {
    /// A plain member, or an array of `len` of them.
    Plain {
        c_type: CType,
        len: Option<u32>,
    },
    /// A bit-field of an integer type; `bit_offset` counts from the start of the enclosing
    /// aggregate in the little-endian numbering BTF uses.
    Bitfield {
        c_type: CType,
        bit_offset: u32,
        width: u32,
    },
    Nested(Aggregate),
}

impl Member {
    /// Size in bytes the member occupies (for bit-fields: the bytes its bits touch).
    pub fn size(&self, types: &[TypeDef]) -> u32 {
        match &self.ty {
            MemberType::Plain { c_type, len } => c_type.size_align(types).map_or(0, |(s, _)| s) * len.unwrap_or(1),
            MemberType::Bitfield { bit_offset, width, .. } => (bit_offset % 8 + width).div_ceil(8),
            MemberType::Nested(a) => a.size,
        }
    }
}

impl TypeDef {
    pub fn aggregate(&self) -> Option<&Aggregate> {
        match &self.body {
            TypeBody::Aggregate(a) => Some(a),
            TypeBody::Opaque => None,
        }
    }
}

/// Look a type up by C tag in a model's sorted type list.
pub fn find<'a>(types: &'a [TypeDef], name: &str) -> Option<&'a TypeDef> {
    types.binary_search_by(|t| t.name.as_str().cmp(name)).ok().map(|i| &types[i])
}

// ---------------------------------------------------------------------------------------------
// C types and the mapping table to Rust.

/// One C integer type and the Rust type it maps to.
#[derive(Debug, PartialEq, Eq)]
pub struct CInt {
    /// As C spells it: `__u32`, `unsigned long`.
    pub c: &'static str,
    /// The Rust primitive with the same size and signedness (LP64: `long` is `i64`).
    pub rust: &'static str,
    pub size: u32,
    /// Kept as a Rust type alias of the same name (`pub type __be32 = u32;`), because the
    /// name carries meaning the primitive does not (byte order, checksum).
    pub alias: bool,
    /// For aliases: what the name says about the value.
    pub doc: &'static str,
}

/// Every C integer type the specs may use, and its Rust counterpart. The single source of
/// the C → Rust mapping: [`CType::rust`] reads nothing else.
pub const C_INTEGERS: &[CInt] = &[
    CInt { c: "__u8", rust: "u8", size: 1, alias: false, doc: "" },
    CInt { c: "__u16", rust: "u16", size: 2, alias: false, doc: "" },
    CInt { c: "__u32", rust: "u32", size: 4, alias: false, doc: "" },
    CInt { c: "__u64", rust: "u64", size: 8, alias: false, doc: "" },
    CInt { c: "__s8", rust: "i8", size: 1, alias: false, doc: "" },
    CInt { c: "__s16", rust: "i16", size: 2, alias: false, doc: "" },
    CInt { c: "__s32", rust: "i32", size: 4, alias: false, doc: "" },
    CInt { c: "__s64", rust: "i64", size: 8, alias: false, doc: "" },
    CInt { c: "u8", rust: "u8", size: 1, alias: false, doc: "" },
    CInt { c: "u16", rust: "u16", size: 2, alias: false, doc: "" },
    CInt { c: "u32", rust: "u32", size: 4, alias: false, doc: "" },
    CInt { c: "u64", rust: "u64", size: 8, alias: false, doc: "" },
    CInt { c: "s32", rust: "i32", size: 4, alias: false, doc: "" },
    CInt { c: "s64", rust: "i64", size: 8, alias: false, doc: "" },
    CInt { c: "__be16", rust: "u16", size: 2, alias: true, doc: "A 16-bit value in network (big-endian) byte order." },
    CInt { c: "__be32", rust: "u32", size: 4, alias: true, doc: "A 32-bit value in network (big-endian) byte order." },
    CInt { c: "__be64", rust: "u64", size: 8, alias: true, doc: "A 64-bit value in network (big-endian) byte order." },
    CInt {
        c: "__sum16",
        rust: "u16",
        size: 2,
        alias: true,
        doc: "A 16-bit Internet checksum, folded, in network byte order.",
    },
    CInt { c: "__wsum", rust: "u32", size: 4, alias: true, doc: "A 32-bit partial (unfolded) Internet checksum." },
    CInt {
        c: "sa_family_t",
        rust: "u16",
        size: 2,
        alias: true,
        doc: "An address family (`AF_INET`, `AF_INET6`, ...).",
    },
    CInt { c: "char", rust: "c_char", size: 1, alias: false, doc: "" },
    CInt { c: "signed char", rust: "i8", size: 1, alias: false, doc: "" },
    CInt { c: "unsigned char", rust: "u8", size: 1, alias: false, doc: "" },
    CInt { c: "short", rust: "i16", size: 2, alias: false, doc: "" },
    CInt { c: "unsigned short", rust: "u16", size: 2, alias: false, doc: "" },
    CInt { c: "int", rust: "i32", size: 4, alias: false, doc: "" },
    CInt { c: "unsigned int", rust: "u32", size: 4, alias: false, doc: "" },
    CInt { c: "long", rust: "i64", size: 8, alias: false, doc: "" },
    CInt { c: "unsigned long", rust: "u64", size: 8, alias: false, doc: "" },
    CInt { c: "long long", rust: "i64", size: 8, alias: false, doc: "" },
    CInt { c: "unsigned long long", rust: "u64", size: 8, alias: false, doc: "" },
];

/// A [`CInt`] serialized by its C name and read back as the entry of [`C_INTEGERS`] (so the
/// model build.rs embeds points into the same table).
mod c_int_by_name {
    use super::{CInt, C_INTEGERS};

    pub fn serialize<S: serde::Serializer>(int: &&'static CInt, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(int.c)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<&'static CInt, D::Error> {
        let name = <&str as serde::Deserialize>::deserialize(deserializer)?;
        C_INTEGERS
            .iter()
            .find(|i| i.c == name)
            .ok_or_else(|| serde::de::Error::custom(format!("`{name}` is not a C integer type of C_INTEGERS")))
    }
}

/// A parsed C type: what a helper argument, return value or struct member is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CType {
    Void,
    Int(#[serde(with = "c_int_by_name")] &'static CInt),
    /// `struct X` (by value, or as a pointee).
    Struct(String),
    /// `const` describes the pointee: `const void *` is `Pointer { is_const: true, .. }`.
    Pointer {
        pointee: Box<CType>,
        is_const: bool,
    },
}

impl CType {
    /// Parses the canonical spelling (see [`normalize_c_type`]).
    pub fn parse(text: &str) -> Result<CType, String> {
        let normal = normalize_c_type(text);
        let mut words: Vec<&str> = normal.split(' ').filter(|w| !w.is_empty()).collect();
        let mut stars = 0;
        while let Some(w) = words.last().filter(|w| !w.is_empty() && w.bytes().all(|b| b == b'*')) {
            stars += w.len();
            words.pop();
        }
        let is_const = words.first() == Some(&"const");
        if is_const {
            words.remove(0);
        }
        let base = match words.as_slice() {
            [] => return Err("empty C type".into()),
            ["void"] => CType::Void,
            ["struct", name] if is_identifier(name) => CType::Struct((*name).to_owned()),
            ["struct", ..] => return Err(format!("`{text}` is not `struct NAME`")),
            ["union", ..] | ["enum", ..] => {
                return Err(format!("`{text}`: only `struct` tags are supported; describe the type with a struct spec"))
            }
            words => {
                let joined = words.join(" ");
                match C_INTEGERS.iter().find(|i| i.c == joined) {
                    Some(int) => CType::Int(int),
                    None => return Err(format!("unknown C type `{joined}`")),
                }
            }
        };
        if base == CType::Void && stars == 0 && is_const {
            return Err("`const void` is not a type".into());
        }
        let mut ty = base;
        for level in 0..stars {
            ty = CType::Pointer { pointee: Box::new(ty), is_const: is_const && level == 0 };
        }
        Ok(ty)
    }

    /// The struct this type names or points to, at any depth.
    pub fn struct_name(&self) -> Option<&str> {
        match self {
            CType::Struct(name) => Some(name),
            CType::Pointer { pointee, .. } => pointee.struct_name(),
            _ => None,
        }
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, CType::Int(_))
    }

    /// The Rust spelling of this type, through [`C_INTEGERS`]: `*mut bpf_sock`, `*const c_void`,
    /// `__be32`, `i64`; `()` for `void`. Struct names stay C names.
    pub fn rust(&self) -> String {
        match self {
            CType::Void => "()".into(),
            CType::Int(i) if i.alias => i.c.to_owned(),
            CType::Int(i) => i.rust.to_owned(),
            CType::Struct(name) => name.clone(),
            CType::Pointer { pointee, is_const } => {
                let inner = match &**pointee {
                    CType::Void => "c_void".to_owned(),
                    other => other.rust(),
                };
                format!("*{} {inner}", if *is_const { "const" } else { "mut" })
            }
        }
    }

    /// Size and alignment in bytes (LP64), or `None` for `void`, opaque and unknown structs.
    pub fn size_align(&self, types: &[TypeDef]) -> Option<(u32, u32)> {
        match self {
            CType::Void => None,
            CType::Int(i) => Some((i.size, i.size)),
            CType::Pointer { .. } => Some((8, 8)),
            CType::Struct(name) => find(types, name).and_then(TypeDef::aggregate).map(|a| (a.size, a.align)),
        }
    }
}

impl std::fmt::Display for CType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CType::Void => f.write_str("void"),
            CType::Int(i) => f.write_str(i.c),
            CType::Struct(n) => write!(f, "struct {n}"),
            CType::Pointer { pointee, is_const } => {
                let stars = {
                    let mut n = 1;
                    let mut p = &**pointee;
                    while let CType::Pointer { pointee, .. } = p {
                        n += 1;
                        p = pointee;
                    }
                    (n, p)
                };
                let (n, base) = stars;
                write!(f, "{}{base} {}", if *is_const { "const " } else { "" }, "*".repeat(n))
            }
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// Lowering.

/// Lowers `specs/types/`, computes layouts, and checks that every `struct X` a helper
/// signature or program context names has a type spec. Problems go to `diagnostics`.
/// Returns the types sorted by name.
pub fn lower(specs: &Specs, diagnostics: &mut Vec<Diagnostic>) -> Vec<TypeDef> {
    let mut cx = Cx { diagnostics, specs: HashMap::new() };
    let mut seen = BTreeMap::new();
    for p in &specs.types {
        let name = &p.value.name;
        if let Some(other) = seen.insert(name.value.clone(), &p.stem) {
            cx.error(Span::of(p.file, name), format!("type `{}` is specified twice", name.value)).help =
                Some(format!("`{other}.yaml` specifies it too"));
        }
        if name.value != p.stem {
            cx.error(Span::of(p.file, name), format!("type name `{}` does not match its file name", name.value)).help =
                Some(format!("the file name makes it `{}`; rename the file or fix the name", p.stem));
        }
        cx.specs.insert(name.value.clone(), p);
    }
    let names: Vec<String> = cx.specs.keys().cloned().collect();
    let mut done: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut failed = BTreeSet::new();
    for name in &names {
        cx.type_def(name, &mut done, &mut failed, &mut Vec::new());
    }
    let types: Vec<TypeDef> = done.into_values().collect();
    cx.check_references(specs, &types);
    types
}

struct Cx<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    specs: HashMap<String, &'a Parsed<TypeSpec>>,
}

/// The file of the type being lowered, for spans.
#[derive(Clone, Copy)]
struct At {
    file: FileId,
}

impl At {
    fn of<T>(self, node: &Spanned<T>) -> Span {
        Span::of(self.file, node)
    }
}

impl Cx<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(Some(span), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn unknown_struct(&mut self, name: &str, span: Span) {
        let help = match closest(name, self.specs.keys().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("add specs/types/{name}.yaml (`kind: opaque` for kernel-internal structs)"),
        };
        self.error(span, format!("unknown type `struct {name}`")).help = Some(help);
    }

    /// Lowers one type (and, first, every type it embeds by value). `stack` catches a struct
    /// that contains itself.
    fn type_def(
        &mut self,
        name: &str,
        done: &mut BTreeMap<String, TypeDef>,
        failed: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> bool {
        if done.contains_key(name) {
            return true;
        }
        if failed.contains(name) {
            return false;
        }
        let Some(parsed) = self.specs.get(name).copied() else { return false };
        if stack.iter().any(|s| s == name) {
            self.error(
                Span::of(parsed.file, &parsed.value.name),
                format!("type `{name}` contains itself by value (through {})", stack.join(" → ")),
            );
            failed.insert(name.to_owned());
            return false;
        }
        stack.push(name.to_owned());
        let at = At { file: parsed.file };
        let spec = &parsed.value;
        let errors_before = self.diagnostics.len();
        let body = match spec.kind {
            TypeKindSpec::Opaque => {
                if let Some(first) = spec.fields.first() {
                    self.error(at.of(first), format!("opaque type `{name}` cannot have fields")).help =
                        Some("use `kind: struct` to describe its layout".into());
                }
                if let Some(align) = &spec.align {
                    self.error(at.of(align), "an opaque type has no alignment to declare");
                }
                Some(TypeBody::Opaque)
            }
            TypeKindSpec::Struct | TypeKindSpec::Union => {
                let kind = if spec.kind == TypeKindSpec::Struct { AggregateKind::Struct } else { AggregateKind::Union };
                // Embedded structs must be laid out first.
                let mut embedded = Vec::new();
                collect_embedded(&spec.fields, &mut embedded);
                for dep in embedded {
                    if self.specs.contains_key(&dep) {
                        self.type_def(&dep, done, failed, stack);
                    }
                }
                let done_list: Vec<TypeDef> = done.values().cloned().collect();
                let align = self.check_align(spec.align.as_ref(), at);
                let whole = at.of(&spec.name);
                self.aggregate(kind, &spec.fields, align, at, whole, &done_list).map(TypeBody::Aggregate)
            }
        };
        stack.pop();
        match body {
            Some(body) if self.diagnostics.len() == errors_before => {
                done.insert(
                    name.to_owned(),
                    TypeDef {
                        name: name.to_owned(),
                        summary: spec.summary.trim().to_owned(),
                        description: spec.description.clone().unwrap_or_default(),
                        header: spec.header.clone(),
                        body,
                    },
                );
                true
            }
            _ => {
                failed.insert(name.to_owned());
                false
            }
        }
    }

    fn check_align(&mut self, align: Option<&Spanned<u32>>, at: At) -> Option<u32> {
        let node = align?;
        let a = node.value;
        if a == 0 || !a.is_power_of_two() || a > 4096 {
            self.error(at.of(node), format!("alignment {a} is not a power of two up to 4096"));
            return None;
        }
        Some(a)
    }

    /// Lays out one struct or union. `types` holds every type lowered so far, which includes
    /// each struct embedded by value.
    fn aggregate(
        &mut self,
        kind: AggregateKind,
        fields: &[Spanned<FieldSpec>],
        explicit_align: Option<u32>,
        at: At,
        whole: Span,
        types: &[TypeDef],
    ) -> Option<Aggregate> {
        let mut ok = true;
        let mut members = Vec::new();
        let mut bit: u64 = 0; // struct: next free bit; union: largest member in bits
        let mut align = 1u32;
        let mut names = BTreeSet::new();
        for f in fields {
            let field_span = at.of(f);
            let Some(member) = self.member(f, at, types) else {
                ok = false;
                continue;
            };
            for n in visible_names(&member) {
                if !names.insert(n.clone()) {
                    let span = f.value.name.as_ref().map_or_else(|| field_span.clone(), |n| at.of(n));
                    self.error(span, format!("duplicate member name `{n}`"));
                    ok = false;
                }
            }
            let (m_size, m_align) = match &member.ty {
                MemberType::Plain { c_type, len } => {
                    let (s, a) = c_type.size_align(types).expect("member() checked the type has a layout");
                    (u64::from(s) * u64::from(len.unwrap_or(1)), a)
                }
                MemberType::Nested(agg) => (u64::from(agg.size), agg.align),
                MemberType::Bitfield { c_type, width, .. } => {
                    let (s, a) = c_type.size_align(types).expect("bit-fields are integers");
                    let width = u64::from(*width);
                    let placed = match kind {
                        AggregateKind::Union => 0,
                        AggregateKind::Struct if width == 0 => {
                            bit = align_up(bit, u64::from(a) * 8);
                            continue;
                        }
                        AggregateKind::Struct => {
                            let unit = u64::from(s) * 8;
                            if bit % unit + width > unit {
                                align_up(bit, unit)
                            } else {
                                bit
                            }
                        }
                    };
                    let Ok(bit_offset) = u32::try_from(placed) else {
                        self.error(field_span, "type too large");
                        return None;
                    };
                    if member.name.is_some() {
                        align = align.max(a);
                    }
                    let width32 = u32::try_from(width).expect("checked against the type size");
                    let m = Member {
                        ty: MemberType::Bitfield { c_type: c_type.clone(), bit_offset, width: width32 },
                        offset: bit_offset / 8,
                        ..member
                    };
                    match kind {
                        AggregateKind::Struct => bit = placed + width,
                        AggregateKind::Union => bit = bit.max(width),
                    }
                    if m.name.is_some() {
                        members.push(m);
                    }
                    continue;
                }
            };
            align = align.max(m_align);
            let offset = match kind {
                AggregateKind::Struct => {
                    bit = align_up(bit, u64::from(m_align) * 8);
                    let o = bit / 8;
                    bit += m_size * 8;
                    o
                }
                AggregateKind::Union => {
                    bit = bit.max(m_size * 8);
                    0
                }
            };
            let Ok(offset) = u32::try_from(offset) else {
                self.error(field_span, "type too large");
                return None;
            };
            members.push(Member { offset, ..member });
        }
        if let Some(a) = explicit_align {
            align = align.max(a);
        }
        let size = align_up(bit.div_ceil(8), u64::from(align));
        let Ok(size) = u32::try_from(size) else {
            self.error(whole, "type too large");
            return None;
        };
        ok.then_some(Aggregate { kind, members, size, align, explicit_align })
    }

    /// Checks one field and builds its member (offset filled in by the caller).
    fn member(&mut self, node: &Spanned<FieldSpec>, at: At, types: &[TypeDef]) -> Option<Member> {
        let f = &node.value;
        let whole = at.of(node);
        let shapes = [f.c_type.is_some(), f.struct_fields.is_some(), f.union_fields.is_some()];
        if shapes.iter().filter(|b| **b).count() != 1 {
            self.error(whole, "a field needs exactly one of `type`, `struct` or `union`").help =
                Some("write `- { name: x, type: __u32 }` or `- union: [...]`".into());
            return None;
        }
        if let Some(name) = &f.name {
            if !crate::names::is_c_identifier(&name.value) {
                self.error(at.of(name), format!("`{}` is not a C identifier", name.value));
                return None;
            }
        }
        let name = f.name.as_ref().map(|n| n.value.clone());
        let len = f.len.as_ref().map(|l| l.value);
        let doc = f.doc.clone().unwrap_or_default();
        let nested = f
            .struct_fields
            .as_ref()
            .map(|v| (AggregateKind::Struct, v, "struct"))
            .or_else(|| f.union_fields.as_ref().map(|v| (AggregateKind::Union, v, "union")));
        if let Some((kind, fields, _key)) = nested {
            if f.len.is_some() || f.bits.is_some() {
                self.error(whole, "`len` and `bits` apply to `type` fields only");
                return None;
            }
            let align = self.check_align(f.align.as_ref(), at);
            let agg = self.aggregate(kind, fields, align, at, whole, types)?;
            return Some(Member { name, offset: 0, ty: MemberType::Nested(agg), doc });
        }
        if let Some(align) = &f.align {
            self.error(at.of(align), "`align` applies to nested `struct` and `union` fields only");
            return None;
        }
        let type_node = f.c_type.as_ref().expect("exactly one shape");
        let type_span = at.of(type_node);
        let span = |_field: &str| type_span.clone();
        let text = type_node.value.as_str();
        let normal = normalize_c_type(text);
        if normal != text {
            self.error(span("type"), format!("C type `{text}` is not written the canonical way")).help =
                Some(format!("write `{normal}`"));
            return None;
        }
        let c_type = match CType::parse(text) {
            Ok(t) => t,
            Err(e) => {
                let d = self.error(span("type"), e);
                d.help = Some(integer_help());
                return None;
            }
        };
        if let Some(s) = c_type.struct_name() {
            if !self.specs.contains_key(s) {
                self.unknown_struct(s, span("type"));
                return None;
            }
        }
        match &c_type {
            CType::Void => {
                self.error(span("type"), "a member cannot be `void`");
                return None;
            }
            CType::Struct(s) => {
                let opaque = self.specs.get(s.as_str()).is_some_and(|p| p.value.kind == TypeKindSpec::Opaque);
                if opaque {
                    self.error(span("type"), format!("`struct {s}` is opaque and cannot be embedded by value")).help =
                        Some("describe its layout (`kind: struct`) or use a pointer".into());
                    return None;
                }
                // Without a layout, its own errors were reported where it is specified.
                c_type.size_align(types)?;
            }
            _ => {}
        }
        if let Some(bits) = &f.bits {
            let (width, bits_span) = (bits.value, at.of(bits));
            let CType::Int(int) = &c_type else {
                self.error(bits_span, "only integer members can be bit-fields");
                return None;
            };
            if f.len.is_some() {
                self.error(bits_span, "a bit-field cannot be an array");
                return None;
            }
            if width > int.size * 8 {
                self.error(bits_span, format!("a `{}` bit-field holds at most {} bits", int.c, int.size * 8));
                return None;
            }
            if width == 0 && f.name.is_some() {
                self.error(bits_span, "a zero-width bit-field must be unnamed");
                return None;
            }
            return Some(Member { name, offset: 0, ty: MemberType::Bitfield { c_type, bit_offset: 0, width }, doc });
        }
        if f.name.is_none() {
            self.error(whole, "only bit-fields (`bits`) and nested aggregates may be unnamed");
            return None;
        }
        Some(Member { name, offset: 0, ty: MemberType::Plain { c_type, len }, doc })
    }

    /// Every C type in a helper signature must map to Rust, and every struct a signature or
    /// context names must have a type spec.
    fn check_references(&mut self, specs: &Specs, types: &[TypeDef]) {
        for p in &specs.helpers {
            let h = &p.value;
            let hname = &h.name.value;
            let check = |cx: &mut Self, node: &Spanned<String>| {
                let span = Span::of(p.file, node);
                match CType::parse(&node.value) {
                    Err(e) => {
                        cx.error(span, format!("helper `{hname}`: {e}")).help = Some(integer_help());
                    }
                    Ok(CType::Struct(s)) => {
                        cx.error(
                            span,
                            format!("helper `{hname}` passes `struct {s}` by value; helpers take and return pointers"),
                        );
                    }
                    Ok(t) => {
                        if let Some(s) = t.struct_name() {
                            if !cx.specs.contains_key(s) {
                                cx.unknown_struct(s, span);
                            }
                        }
                    }
                }
            };
            check(self, &h.returns.c_type);
            for a in &h.args.value {
                check(self, &a.c_type);
                if CType::parse(&a.c_type.value) == Ok(CType::Void) {
                    self.error(Span::of(p.file, &a.c_type), "an argument cannot be `void`");
                }
            }
        }
        for p in &specs.program_types {
            if let Some(ctx) = &p.value.context {
                if find(types, &ctx.value).is_none() && !self.specs.contains_key(&ctx.value) {
                    self.unknown_struct(&ctx.value, Span::of(p.file, ctx));
                }
            }
        }
    }
}

fn integer_help() -> String {
    let names: Vec<&str> = C_INTEGERS.iter().map(|i| i.c).collect();
    format!("C types are `void`, `struct NAME`, pointers to them, or one of: {}", names.join(", "))
}

/// Struct tags embedded by value (not through pointers) anywhere in these fields.
fn collect_embedded(fields: &[Spanned<FieldSpec>], out: &mut Vec<String>) {
    for f in fields {
        let f = &f.value;
        if let Some(Ok(CType::Struct(s))) = f.c_type.as_ref().map(|t| CType::parse(&t.value)) {
            out.push(s);
        }
        for nested in [&f.struct_fields, &f.union_fields].into_iter().flatten() {
            collect_embedded(nested, out);
        }
    }
}

/// The names a member brings into its enclosing scope: its own, or those of an anonymous
/// aggregate's members (C11 anonymous members).
fn visible_names(m: &Member) -> Vec<String> {
    match (&m.name, &m.ty) {
        (Some(n), _) => vec![n.clone()],
        (None, MemberType::Nested(agg)) => agg.members.iter().flat_map(visible_names).collect(),
        (None, _) => Vec::new(),
    }
}

fn align_up(v: u64, a: u64) -> u64 {
    if a <= 1 {
        v
    } else {
        v.div_ceil(a) * a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_maps_c_types() {
        let cases = [
            ("void *", "*mut c_void"),
            ("const void *", "*const c_void"),
            ("__u64", "u64"),
            ("long", "i64"),
            ("unsigned long", "u64"),
            ("int", "i32"),
            ("char *", "*mut c_char"),
            ("const char *", "*const c_char"),
            ("__be32 *", "*mut __be32"),
            ("struct bpf_sock *", "*mut bpf_sock"),
            ("const struct bpf_dynptr *", "*const bpf_dynptr"),
            ("void **", "*mut *mut c_void"),
            ("void", "()"),
        ];
        for (c, rust) in cases {
            let t = CType::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"));
            assert_eq!(t.rust(), rust, "{c}");
            assert_eq!(t.to_string(), c, "display round-trips");
        }
        assert!(CType::parse("struct").is_err());
        assert!(CType::parse("__u128").is_err());
        assert!(CType::parse("const void").is_err());
        assert!(CType::parse("union x *").is_err());
    }
}

/// `const  void*` → `const void *`: single spaces, pointer stars separated from the type.
pub fn normalize_c_type(c_type: &str) -> String {
    let spaced = c_type.replace('*', " * ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        // Stars bind together: `void **`.
        if i > 0 && !(*w == "*" && words[i - 1] == "*") {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod normalize_tests {
    use super::normalize_c_type;

    #[test]
    fn c_types_normalize() {
        assert_eq!(normalize_c_type("const void*"), "const void *");
        assert_eq!(normalize_c_type("void  **"), "void **");
        assert_eq!(normalize_c_type("struct bpf_sock *"), "struct bpf_sock *");
        assert_eq!(normalize_c_type("__u64"), "__u64");
    }
}
