#!/usr/bin/env python3
"""Give a bpf-linker object the BTF that libbpf needs to resolve kfunc calls.

    ksyms_btf.py EXPORT.json IN.o OUT.o

bpf-linker leaves a call to an `extern "C"` function as an undefined NOTYPE symbol with a call
relocation, but writes no BTF for it; libbpf then stops with `failed to find BTF for extern`.
clang, for a `__ksym` declaration, writes a `FUNC` with extern linkage and lists it in a
`.ksyms` DATASEC. This script adds exactly that for every undefined symbol, with the prototype
from the bpfspec export (`bpfspec export --format json`), so libbpf's compatibility check against
the kernel's BTF passes. Struct pointees become empty structs of the same name. The new .BTF goes at the
end of the file and the section header points there; nothing else moves.
"""
import json
import struct
import sys

INTS = {  # BTF spelling -> (size, signed)
    'char': (1, True), 'signed char': (1, True), 'unsigned char': (1, False), 'u8': (1, False), '__u8': (1, False),
    's8': (1, True), 'short int': (2, True), 'short unsigned int': (2, False), 'u16': (2, False), '__u16': (2, False),
    's16': (2, True), '__be16': (2, False), 'int': (4, True), 'unsigned int': (4, False), 'u32': (4, False),
    '__u32': (4, False), 's32': (4, True), '__s32': (4, True), 'long int': (8, True), 'long unsigned int': (8, False),
    'u64': (8, False), '__u64': (8, False), 's64': (8, True), '__s64': (8, True), 'size_t': (8, False),
    'long long int': (8, True), 'long long unsigned int': (8, False),
}


class Btf:
    def __init__(self, blob):
        magic, self.ver, self.flags, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<HBBIIIII', blob)
        if magic != 0xEB9F:
            sys.exit('error: .BTF has a bad magic number')
        self.types = bytearray(blob[hdr_len + type_off:hdr_len + type_off + type_len])
        self.strs = bytearray(blob[hdr_len + str_off:hdr_len + str_off + str_len])
        self.count = self._count()
        self.cache = {}

    def _count(self):
        n, p = 0, 0
        while p < len(self.types):
            _, info, _ = struct.unpack_from('<III', self.types, p)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen, 14: 4, 15: 12 * vlen,
                     17: 4, 19: 12 * vlen}.get(kind, 0)
            p += 12 + extra
            n += 1
        return n

    def string(self, s):
        off = len(self.strs)
        self.strs += s.encode() + b'\0'
        return off

    def add(self, name, kind, vlen, size_or_type, extra=b''):
        self.types += struct.pack('<III', self.string(name) if name else 0, (kind << 24) | vlen, size_or_type) + extra
        self.count += 1
        return self.count

    def c_type(self, c):
        """The ID of a C type as the specs spell it, added on first use."""
        c = c.strip()
        if c == 'void':
            return 0
        if c in self.cache:
            return self.cache[c]
        if '(*)' in c:
            sys.exit(f'error: function pointer arguments ({c}) are not handled')
        if c.endswith('*'):
            tid = self.add(None, 2, 0, self.c_type(c[:-1]))
        elif c.startswith('const '):
            tid = self.add(None, 10, 0, self.c_type(c[6:]))
        elif c.startswith('struct '):
            # An empty struct, not a FWD: libbpf's check wants the same kind as the kernel's.
            tid = self.add(c[7:], 4, 0, 0)
        elif c.startswith('union '):
            tid = self.add(c[6:], 5, 0, 0)
        elif c.startswith('enum '):
            tid = self.add(c[5:], 6, 0, 4)
        elif c == 'bool' or c == '_Bool':
            tid = self.add('bool', 1, 0, 1, struct.pack('<I', (4 << 24) | 8))
        elif c in INTS:
            size, signed = INTS[c]
            tid = self.add(c, 1, 0, size, struct.pack('<I', ((1 if signed else 0) << 24) | (size * 8)))
        else:
            sys.exit(f'error: unknown C type `{c}`')
        self.cache[c] = tid
        return tid

    def blob(self):
        hdr = struct.pack('<HBBIIIII', 0xEB9F, self.ver, self.flags, 24, 0, len(self.types), len(self.types), len(self.strs))
        return hdr + bytes(self.types) + bytes(self.strs)


def main():
    export, src, dst = sys.argv[1:4]
    kfuncs = {k['name']: k for k in json.load(open(export))['kfuncs']}
    data = bytearray(open(src, 'rb').read())
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        sys.exit('error: not a 64-bit little-endian ELF file')
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    headers = [list(struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)) for i in range(shnum)]

    def name_at(strtab, off):
        start = headers[strtab][4] + off
        return data[start:data.index(b'\0', start)].decode()

    names = [name_at(shstrndx, h[0]) for h in headers]
    btf_index = names.index('.BTF')
    symtab = headers[names.index('.symtab')]
    externs = []
    for i in range(symtab[5] // 24):
        st_name, st_info, _, st_shndx = struct.unpack_from('<IBBH', data, symtab[4] + i * 24)
        if st_shndx == 0 and st_info >> 4 == 1 and st_info & 0xf == 0 and st_name:
            externs.append(name_at(symtab[6], st_name))
    btf_header = headers[btf_index]
    btf = Btf(bytes(data[btf_header[4]:btf_header[4] + btf_header[5]]))
    funcs = []
    for name in externs:
        k = kfuncs.get(name)
        if k is None:
            sys.exit(f'error: `{name}` is undefined in the object and not a kfunc of the specs')
        params = b''.join(struct.pack('<II', btf.string(a['name']), btf.c_type(a['type'])) for a in k['signature']['args'])
        proto = btf.add(None, 13, len(k['signature']['args']), btf.c_type(k['signature']['return']), params)
        funcs.append(btf.add(name, 12, 2, proto))  # FUNC, linkage 2 = extern
    if funcs:
        btf.add('.ksyms', 15, len(funcs), 0, b''.join(struct.pack('<III', f, 0, 0) for f in funcs))
    blob = btf.blob()
    while len(data) % 8:
        data.append(0)
    btf_header[4], btf_header[5] = len(data), len(blob)
    data += blob
    struct.pack_into('<IIQQQQIIQQ', data, shoff + btf_index * shentsize, *btf_header)
    open(dst, 'wb').write(data)
    print(' '.join(externs))


if __name__ == '__main__':
    main()
