//! `src/types.rs`: `#[repr(C)]` layouts of the uapi structs, opaque kernel structs, and the
//! byte-order type aliases, with compile-time checks that Rust lays each one out exactly as
//! the generator computed (and the bindings test compares that with the kernel's BTF).
//!
//! C has anonymous members and bit-fields; Rust has neither, so:
//! - an anonymous struct or union becomes a field `anon_N` of a type `<parent>__anon_N`;
//! - `__bpf_md_ptr(type, name)` (an anonymous union of one pointer, 8 bytes on every
//!   architecture) becomes the plain pointer field `name`;
//! - a run of bit-fields becomes a byte array `_bitfield_N` with `const fn` accessors;
//! - padding that `#[repr(C)]` would not insert by itself (unnamed bit-fields) becomes
//!   explicit `_pad_N` bytes.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::Doc;
use super::{ident, rust_type};
use crate::model::Model;
use crate::types::{Aggregate, AggregateKind, CType, Member, MemberType, TypeBody, TypeDef, C_INTEGERS};

pub fn emit(model: &Model) -> TokenStream {
    let aliases = C_INTEGERS.iter().filter(|i| i.alias).map(|i| {
        let name = ident(i.c);
        let target = rust_type(i.rust);
        let doc = format!(" C `{}`: {}", i.c, i.doc);
        quote! { #[doc = #doc] pub type #name = #target; }
    });
    let mut items = Vec::new();
    let mut needs_bits = false;
    for t in &model.types {
        match &t.body {
            TypeBody::Opaque => items.push(opaque(t)),
            TypeBody::Aggregate(agg) => {
                let mut cx = Emitter { types: &model.types, items: &mut items, needs_bits: false };
                cx.aggregate(&t.name, agg, type_doc(t, agg));
                needs_bits |= cx.needs_bits;
            }
        }
    }
    let bits = needs_bits.then(bit_helpers);
    quote! {
        pub use core::ffi::{c_char, c_void};

        #(#aliases)*
        #(#items)*
        #bits
    }
}

fn c_name(t: &TypeDef, kind: AggregateKind) -> String {
    match kind {
        AggregateKind::Struct => format!("struct {}", t.name),
        AggregateKind::Union => format!("union {}", t.name),
    }
}

fn header_note(t: &TypeDef) -> String {
    match t.header.as_deref() {
        Some("kernel") | None => "a kernel-internal definition".to_owned(),
        Some(h) => format!("`<{h}>`"),
    }
}

fn type_doc(t: &TypeDef, agg: &Aggregate) -> Doc {
    let mut d = Doc::new();
    d.summary(&t.summary).blank();
    if !t.description.trim().is_empty() {
        d.spec(&t.description).blank();
    }
    d.raw(format!(
        "C: `{}` from {}; {} bytes, aligned to {}.",
        c_name(t, agg.kind),
        header_note(t),
        agg.size,
        agg.align
    ));
    d
}

fn opaque(t: &TypeDef) -> TokenStream {
    let mut d = Doc::new();
    d.summary(&t.summary).blank();
    if !t.description.trim().is_empty() {
        d.spec(&t.description).blank();
    }
    d.raw(format!(
        "Opaque: C `struct {}` from {}. Its layout changes between kernels, so programs only hold \
         pointers to it, which the verifier types through BTF.",
        t.name,
        header_note(t)
    ));
    let doc = d.tokens();
    let name = ident(&t.name);
    quote! {
        #doc
        #[repr(C)]
        pub struct #name {
            _opaque: [u8; 0],
            _not_send_sync_unpin: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
        }
    }
}

/// One Rust field of an emitted type.
struct Field {
    name: proc_macro2::Ident,
    ty: TokenStream,
    offset: u32,
    size: u32,
    align: u32,
    doc: Doc,
}

struct Emitter<'a> {
    types: &'a [TypeDef],
    items: &'a mut Vec<TokenStream>,
    needs_bits: bool,
}

impl Emitter<'_> {
    /// Emits one struct or union named `name` (and, first, the types of its nested members).
    fn aggregate(&mut self, name: &str, agg: &Aggregate, doc: Doc) {
        let mut fields = Vec::new();
        let mut accessors = Vec::new();
        let mut anon = 0;
        let mut bitfield_groups = 0u32;
        let members = &agg.members;
        let mut i = 0;
        while i < members.len() {
            let m = &members[i];
            match &m.ty {
                MemberType::Plain { c_type, len } => {
                    fields.push(self.plain(m, c_type, *len, None));
                    i += 1;
                }
                MemberType::Nested(inner) => {
                    if let Some(ptr) = md_ptr(m, inner) {
                        let MemberType::Plain { c_type, .. } = &ptr.ty else {
                            unreachable!("md_ptr checks the member is plain")
                        };
                        let note = format!(
                            "C: `__bpf_md_ptr({c_type}, {})` at offset {}: 8 bytes on every architecture.",
                            ptr.name.as_deref().unwrap_or_default(),
                            m.offset
                        );
                        let mut f = self.plain(ptr, c_type, None, Some(note));
                        f.offset = m.offset;
                        fields.push(f);
                    } else {
                        let (field_name, type_name) = match &m.name {
                            Some(n) => (n.clone(), format!("{name}__{n}")),
                            None => {
                                anon += 1;
                                (format!("anon_{anon}"), format!("{name}__anon_{anon}"))
                            }
                        };
                        let kind = if inner.kind == AggregateKind::Struct { "struct" } else { "union" };
                        let mut nested_doc = Doc::new();
                        let role = match &m.name {
                            Some(n) => format!("The type of the {kind} member `{n}` of [`{name}`]"),
                            None => format!("An anonymous {kind} member of [`{name}`]"),
                        };
                        nested_doc.raw(format!("{role}; {} bytes, aligned to {}.", inner.size, inner.align));
                        self.aggregate(&type_name, inner, nested_doc);
                        let mut d = Doc::new();
                        if !m.doc.trim().is_empty() {
                            d.spec(&m.doc).blank();
                        }
                        let what = if m.name.is_some() { kind.to_owned() } else { format!("anonymous {kind}") };
                        d.raw(format!("C: {what} at offset {}.", m.offset));
                        let ty_ident = ident(&type_name);
                        fields.push(Field {
                            name: ident(&field_name),
                            ty: quote!(#ty_ident),
                            offset: m.offset,
                            size: inner.size,
                            align: inner.align,
                            doc: d,
                        });
                    }
                    i += 1;
                }
                MemberType::Bitfield { .. } => {
                    // A run of bit-fields shares one byte array (in a union, each is its own run).
                    let start = i;
                    i += 1;
                    if agg.kind == AggregateKind::Struct {
                        while i < members.len() && matches!(members[i].ty, MemberType::Bitfield { .. }) {
                            i += 1;
                        }
                    }
                    bitfield_groups += 1;
                    let (field, acc) = self.bitfields(&members[start..i], bitfield_groups);
                    fields.push(field);
                    accessors.extend(acc);
                }
            }
        }
        let fields = match agg.kind {
            AggregateKind::Struct => pad_struct(fields, agg),
            AggregateKind::Union => pad_union(fields, agg),
        };
        self.items.push(emit_type(name, agg, &fields, &doc, accessors));
    }

    fn plain(&self, m: &Member, c_type: &CType, len: Option<u32>, note: Option<String>) -> Field {
        let (size, align) = c_type.size_align(self.types).expect("lowering checked every member has a layout");
        let elem = rust_type(&c_type.rust());
        let (ty, size, c_decl) = match len {
            Some(n) => {
                let n_lit = Literal::usize_unsuffixed(n as usize);
                (quote!([#elem; #n_lit]), size * n, format!("{c_type} {}[{n}]", m.name.as_deref().unwrap_or_default()))
            }
            None => (elem, size, format!("{c_type} {}", m.name.as_deref().unwrap_or_default()).replace("* ", "*")),
        };
        let mut d = Doc::new();
        if !m.doc.trim().is_empty() {
            d.spec(&m.doc).blank();
        }
        d.raw(note.unwrap_or_else(|| format!("C: `{c_decl}` at offset {}.", m.offset)));
        let name = ident(m.name.as_deref().expect("plain members are named"));
        Field { name, ty, offset: m.offset, size, align, doc: d }
    }

    /// One byte array for a run of bit-fields, and a getter and setter per named bit-field.
    fn bitfields(&mut self, run: &[Member], group: u32) -> (Field, Vec<TokenStream>) {
        self.needs_bits = true;
        let bit_range = |m: &Member| match &m.ty {
            MemberType::Bitfield { bit_offset, width, .. } => (*bit_offset, bit_offset + width),
            _ => unreachable!("a run holds bit-fields only"),
        };
        let first_byte = run.iter().map(|m| bit_range(m).0).min().expect("non-empty run") / 8;
        let end_byte = run.iter().map(|m| bit_range(m).1).max().expect("non-empty run").div_ceil(8);
        let len = end_byte - first_byte;
        let storage = format_ident!("_bitfield_{}", group);
        let mut accessors = Vec::new();
        let mut described = Vec::new();
        for m in run {
            let MemberType::Bitfield { c_type, bit_offset, width } = &m.ty else { continue };
            let Some(name) = &m.name else { continue };
            let rel = Literal::u32_unsuffixed(bit_offset - first_byte * 8);
            let w = Literal::u32_unsuffixed(*width);
            let ty = rust_type(&c_type.rust());
            let signed = matches!(c_type, CType::Int(i) if i.rust.starts_with('i') || i.rust == "c_char");
            let get_expr = if signed {
                let shift = Literal::u32_unsuffixed(64 - width);
                quote!((((bits_get(&self.#storage, #rel, #w) << #shift) as i64) >> #shift) as #ty)
            } else {
                quote!(bits_get(&self.#storage, #rel, #w) as #ty)
            };
            let getter = ident(name);
            let setter = format_ident!("set_{}", name);
            let get_doc = format!(
                " Reads the bit-field `{c_type} {name} : {width}` (bits {bit_offset}..{} of the C struct).",
                bit_offset + width
            );
            let set_doc = format!(" Writes the bit-field `{name}`; bits of `value` above the low {width} are dropped.");
            accessors.push(quote! {
                #[doc = #get_doc]
                #[inline(always)]
                pub const fn #getter(&self) -> #ty {
                    #get_expr
                }
                #[doc = #set_doc]
                #[inline(always)]
                pub const fn #setter(&mut self, value: #ty) {
                    bits_set(&mut self.#storage, #rel, #w, value as u64)
                }
            });
            described.push(format!("`{name}: {width}`"));
        }
        let mut d = Doc::new();
        d.raw(format!(
            "Storage of the bit-fields {} (bytes {first_byte}..{end_byte}); use their accessors.",
            described.join(", ")
        ));
        let n = Literal::usize_unsuffixed(len as usize);
        let field = Field { name: storage, ty: quote!([u8; #n]), offset: first_byte, size: len, align: 1, doc: d };
        (field, accessors)
    }
}

/// `__bpf_md_ptr`: an anonymous union whose only named member is a pointer, 8 bytes in size
/// and alignment, so the pointer alone has the same layout on 64-bit targets.
fn md_ptr<'a>(m: &Member, inner: &'a Aggregate) -> Option<&'a Member> {
    if m.name.is_some() || inner.kind != AggregateKind::Union || inner.size != 8 || inner.align != 8 {
        return None;
    }
    match inner.members.as_slice() {
        [only @ Member { name: Some(_), ty: MemberType::Plain { c_type: CType::Pointer { .. }, len: None }, .. }] => {
            Some(only)
        }
        _ => None,
    }
}

fn align_up(v: u32, a: u32) -> u32 {
    v.div_ceil(a) * a
}

/// Inserts `_pad_N` byte arrays wherever `#[repr(C)]` would place a field earlier than C does,
/// and at the end when the C size is larger.
fn pad_struct(fields: Vec<Field>, agg: &Aggregate) -> Vec<Field> {
    let mut out = Vec::new();
    let mut at = 0u32;
    let mut pads = 0u32;
    let mut pad = |out: &mut Vec<Field>, offset: u32, size: u32| {
        pads += 1;
        let n = Literal::usize_unsuffixed(size as usize);
        let mut d = Doc::new();
        d.raw("Padding that C declares with an unnamed bit-field; keep it zero.");
        out.push(Field { name: format_ident!("_pad_{}", pads), ty: quote!([u8; #n]), offset, size, align: 1, doc: d });
    };
    for f in fields {
        let natural = align_up(at, f.align);
        assert!(
            natural <= f.offset,
            "bug: C places `{}` at {} but Rust could not place it before {natural}",
            f.name,
            f.offset
        );
        if natural < f.offset {
            pad(&mut out, at, f.offset - at);
        }
        at = f.offset + f.size;
        out.push(f);
    }
    let natural_align = out.iter().map(|f| f.align).max().unwrap_or(1);
    let rust_align = natural_align.max(agg.align);
    if align_up(at, rust_align) < agg.size {
        pad(&mut out, at, agg.size - at);
    }
    out
}

fn pad_union(mut fields: Vec<Field>, agg: &Aggregate) -> Vec<Field> {
    let largest = fields.iter().map(|f| f.size).max().unwrap_or(0);
    if align_up(largest, agg.align) < agg.size {
        let n = Literal::usize_unsuffixed(agg.size as usize);
        let mut d = Doc::new();
        d.raw("The full size of the C union.");
        fields.push(Field {
            name: format_ident!("_pad_1"),
            ty: quote!([u8; #n]),
            offset: 0,
            size: agg.size,
            align: 1,
            doc: d,
        });
    }
    fields
}

fn emit_type(name: &str, agg: &Aggregate, fields: &[Field], doc: &Doc, accessors: Vec<TokenStream>) -> TokenStream {
    let ty = ident(name);
    let natural_align = fields.iter().map(|f| f.align).max().unwrap_or(1);
    let repr = if agg.align > natural_align || agg.explicit_align.is_some() {
        let a = Literal::usize_unsuffixed(agg.align as usize);
        quote!(#[repr(C, align(#a))])
    } else {
        quote!(#[repr(C)])
    };
    let doc = doc.tokens();
    let field_tokens = fields.iter().map(|f| {
        let (n, t, d) = (&f.name, &f.ty, f.doc.tokens());
        quote!(#d pub #n: #t,)
    });
    let keyword = match agg.kind {
        AggregateKind::Struct => quote!(struct),
        AggregateKind::Union => quote!(union),
    };
    let size = Literal::usize_unsuffixed(agg.size as usize);
    let align = Literal::usize_unsuffixed(agg.align as usize);
    let offsets = fields.iter().map(|f| {
        let (n, o) = (&f.name, Literal::usize_unsuffixed(f.offset as usize));
        quote!(assert!(core::mem::offset_of!(#ty, #n) == #o);)
    });
    let accessors = (!accessors.is_empty()).then(|| quote!(impl #ty { #(#accessors)* }));
    quote! {
        #doc
        #repr
        #[derive(Clone, Copy)]
        pub #keyword #ty {
            #(#field_tokens)*
        }

        impl #ty {
            /// A value with every byte zero (null pointers, zero numbers), which is valid for
            /// every field.
            pub const fn zeroed() -> #ty {
                // SAFETY: every field is an integer, a raw pointer or an aggregate of them,
                // for which all-zero bytes are a valid value.
                unsafe { core::mem::zeroed() }
            }
        }

        impl Default for #ty {
            fn default() -> #ty {
                #ty::zeroed()
            }
        }

        #accessors

        const _: () = {
            let size = core::mem::size_of::<#ty>();
            let align = core::mem::align_of::<#ty>();
            assert!(size == #size && align == #align);
            #(#offsets)*
        };
    }
}

fn bit_helpers() -> TokenStream {
    quote! {
        /// Reads `width` bits starting `bit` bits into `bytes`, least significant bit first:
        /// the numbering the kernel's little-endian BTF uses. The uapi headers order their
        /// bit-fields per endianness so that, for these byte-contained fields, the bits mean
        /// the same on every target.
        const fn bits_get(bytes: &[u8], bit: u32, width: u32) -> u64 {
            let mut value = 0u64;
            let mut i = 0;
            while i < width {
                let b = bit + i;
                if (bytes[(b / 8) as usize] >> (b % 8)) & 1 != 0 {
                    value |= 1 << i;
                }
                i += 1;
            }
            value
        }

        /// Writes the low `width` bits of `value` at `bit`, numbered as in [`bits_get`].
        const fn bits_set(bytes: &mut [u8], bit: u32, width: u32, value: u64) {
            let mut i = 0;
            while i < width {
                let b = bit + i;
                let mask = 1u8 << (b % 8);
                if (value >> i) & 1 != 0 {
                    bytes[(b / 8) as usize] |= mask;
                } else {
                    bytes[(b / 8) as usize] &= !mask;
                }
                i += 1;
            }
        }
    }
}
