"""Writes the .npy/.npz/.csv files the data/numpy and data/csv tests and the
`xgrad train --data-npz` test read, with Debian's python3-numpy, into the
folder given as the only argument. The values follow formulas the tests
recompute (arange, simple patterns)."""
import io
import os
import struct
import sys
import zlib

import numpy as np

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


a = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
np.save(path("numpy_f32.npy"), a)
np.save(path("numpy_f64_fortran.npy"), np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5.5))
np.save(path("numpy_f32_big_endian.npy"), (np.arange(5, dtype=np.float32) - 2).astype(">f4"))
np.save(path("numpy_i32_big_endian.npy"), np.array([-3, 0, 70000], dtype=">i4"))
np.save(path("numpy_i8.npy"), np.array([-128, -1, 0, 127], dtype=np.int8))
np.save(path("numpy_i16.npy"), np.array([-32768, 5, 32767], dtype=np.int16))
np.save(path("numpy_u16.npy"), np.array([0, 65535], dtype=np.uint16))
np.save(path("numpy_u32.npy"), np.array([4294967295], dtype=np.uint32))
np.save(path("numpy_u64_too_large.npy"), np.array([1, 2**63], dtype=np.uint64))
np.save(path("numpy_u8.npy"), np.array([[0, 255], [7, 8]], dtype=np.uint8))
np.save(path("numpy_bool.npy"), np.array([True, False, True]))
# Fortran order for every dtype the reader produces: element [i, j, k] is 12i + 4j + k (bool: its parity is odd).
fortran = np.arange(24).reshape(2, 3, 4)
np.save(path("numpy_u8_fortran.npy"), np.asfortranarray(fortran.astype(np.uint8)))
np.save(path("numpy_bool_fortran.npy"), np.asfortranarray(fortran % 2 == 1))
np.save(path("numpy_i16_fortran.npy"), np.asfortranarray((fortran - 5).astype(">i2")))
np.save(path("numpy_f32_fortran.npy"), np.asfortranarray(fortran.astype(np.float32)))
np.savez_compressed(path("numpy_fortran.npz"), u8=np.asfortranarray(fortran[0].astype(np.uint8)),
                    flags=np.asfortranarray(fortran[1] % 3 == 0))
np.save(path("numpy_scalar.npy"), np.float64(2.5))
np.save(path("numpy_empty.npy"), np.zeros((0, 3), dtype=np.float32))
np.save(path("numpy_f16.npy"), np.zeros(2, dtype=np.float16))
np.save(path("numpy_structured.npy"), np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
with open(path("numpy_version2.npy"), "wb") as f:
    np.lib.format.write_array(f, np.arange(6, dtype=np.int64).reshape(2, 3), version=(2, 0))

# Arrays in zips: stored (np.savez) and deflated (np.savez_compressed); the
# large member (1.2 MB) inflates through many buffer growths.
members = {"x_train": a, "y_train": np.array([0, 1, 2], dtype=np.int64), "note": np.arange(3, dtype=np.uint8)}
np.savez(path("numpy_stored.npz"), **members)
np.savez_compressed(path("numpy_deflated.npz"), **members)
np.savez_compressed(path("numpy_large.npz"), big=np.sin(np.arange(300_000, dtype=np.float32)))

# Three Gaussian blobs in 10 features (2 x 5 per sample), for `xgrad train --data-npz`.
rng = np.random.default_rng(0)
centers = rng.normal(0, 0.8, size=(3, 10))


def blobs(n):
    y = rng.integers(0, 3, size=n)
    x = centers[y] + rng.normal(0, 1, size=(n, 10))
    return x.reshape(n, 2, 5).astype(np.float32), y.astype(np.int64)


x_train, y_train = blobs(900)
x_test, y_test = blobs(300)
np.savez_compressed(path("numpy_blobs.npz"), x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)

# A CSV as NumPy writes it (full-precision exponents), labels as integers.
table = np.column_stack([np.arange(4) * 0.5, np.arange(4) ** 2, np.arange(4) % 2])
np.savetxt(path("numpy_table.csv"), table, delimiter=",", header="half,square,label", comments="")

# Hostile .npz files, written byte by byte (zipfile cannot write them).


def raw_deflate(chunks):
    """Raw deflate (no zlib header), as zip members hold it, of the concatenated chunks."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join(c.compress(chunk) for chunk in chunks) + c.flush()


def handmade_zip(members, directory):
    """members: (name, method, crc, packed data, size) written one after another;
    directory: (name, member index, declared size) entries, any number pointing
    at one member. A declared size of 2^32 or more goes into a ZIP64 extra field."""
    body, offsets = b"", []
    for name, method, crc, packed, size in members:
        offsets.append(len(body))
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(packed),
                            min(size, 0xFFFFFFFF), len(name), 0) + name.encode() + packed
    central = b""
    for name, index, size in directory:
        _, method, crc, packed, _ = members[index]
        extra = struct.pack("<HHQ", 1, 8, size) if size >= 0xFFFFFFFF else b""
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 45 if extra else 20, 0, method, 0, 0, crc,
                               len(packed), 0xFFFFFFFF if extra else size, len(name), len(extra), 0, 0, 0, 0,
                               offsets[index]) + name.encode() + extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), len(central), len(body), 0)
    return body + central + end


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


# A zip bomb: 100 entries a0.npy … a99.npy inflating one deflated 1-MiB array.
bomb_npy = npy_bytes(np.zeros(1 << 18, dtype=np.float32))
with open(path("numpy_zip_bomb.npz"), "wb") as f:
    f.write(handmade_zip([("a.npy", 8, zlib.crc32(bomb_npy), raw_deflate([bomb_npy]), len(bomb_npy))],
                         [(f"a{i}.npy", 0, len(bomb_npy)) for i in range(100)]))

# A real array next to a 64-MiB member that is not an array (np.load skips it).
small_npy = npy_bytes(np.arange(3, dtype=np.float32))
zeros = bytes(1 << 20)
with open(path("numpy_skipped_member.npz"), "wb") as f:
    f.write(handmade_zip([("x.npy", 0, zlib.crc32(small_npy), small_npy, len(small_npy)),
                          ("huge.bin", 8, zlib.crc32(zeros * 64), raw_deflate([zeros] * 64), 64 << 20)],
                         [("x.npy", 0, len(small_npy)), ("huge.bin", 1, 64 << 20)]))

# A member declaring 17 GiB (ZIP64), past the bound on what one archive may inflate.
with open(path("numpy_inflate_bound.npz"), "wb") as f:
    f.write(handmade_zip([("big.npy", 8, 0, raw_deflate([bomb_npy]), 17 << 30)], [("big.npy", 0, 17 << 30)]))
