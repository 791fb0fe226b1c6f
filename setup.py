"""The one part of vandong that is compiled: the rollup's loops in C.

Optional: without a C compiler, vandong installs and the same loops run
through Numba (vandong/analytics/engine/kernels.py). Everything else is in
pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "vandong.analytics.engine._loops",
            ["vandong/analytics/engine/_loops.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
