"""Writes the .npy/.npz/.csv files the data/numpy and data/csv tests and the
`xgrad train --data-npz` test read, with Debian's python3-numpy, into the
folder given as the only argument. The values follow formulas the tests
recompute (arange, simple patterns)."""
import os
import sys

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
