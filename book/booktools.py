"""The pages' helpers are optimlab.book (src/optimlab/book.py); this old name is the same module."""
import sys, optimlab.book; sys.modules[__name__] = optimlab.book  # noqa: E401, E702
