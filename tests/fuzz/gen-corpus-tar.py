#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the small seed tars of tests/fuzz/corpus/fuzz-tar/ (committed; rerun to refresh).
import gzip
import io
import os
import sys
import tarfile

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus', 'fuzz-tar')


def tar(entries, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=fmt) as t:
        for name, kind, extra in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1600000000
            data = b''
            if kind == 'file':
                data = extra or b''
                ti.size = len(data)
            elif kind == 'dir':
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif kind == 'sym':
                ti.type, ti.linkname = tarfile.SYMTYPE, extra
            elif kind == 'hard':
                ti.type, ti.linkname = tarfile.LNKTYPE, extra
            elif kind == 'fifo':
                ti.type = tarfile.FIFOTYPE
            elif kind == 'chr':
                ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
            elif kind == 'xattr':
                ti.pax_headers = {'SCHILY.xattr.user.k': 'v'}
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


seeds = {
    'basic.tar': tar([('etc/', 'dir', None), ('etc/hosts', 'file', b'127.0.0.1 localhost\n'),
                      ('etc/link', 'sym', '/etc/hosts'), ('etc/hard', 'hard', 'etc/hosts'),
                      ('run/fifo', 'fifo', None), ('dev/null', 'chr', None),
                      ('x', 'xattr', None)]),
    'whiteouts.tar': tar([('a/.wh.b', 'file', None), ('c/', 'dir', None),
                          ('c/.wh..wh..opq', 'file', None), ('c/new', 'file', b'n')]),
    'hostile.tar': tar([('l', 'sym', '../../..'), ('l/escape', 'file', b'x'),
                        ('h', 'hard', '../etc/passwd'), ('.wh...', 'file', None)]),
    'dotdot.tar': tar([('../escape', 'file', b'x')], tarfile.USTAR_FORMAT),
    'gnu-long.tar': tar([('d' * 150 + '/f', 'file', b'long')], tarfile.GNU_FORMAT),
}
seeds['basic.tar.gz'] = gzip.compress(seeds['basic.tar'], mtime=0)
seeds['truncated.tar'] = seeds['basic.tar'][:1500]
seeds['padded.tar'] = seeds['whiteouts.tar'] + b'\0' * 4096

os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
