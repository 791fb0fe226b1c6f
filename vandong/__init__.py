"""vandong: monitoring and evaluation for the campaign "Toàn dân đoàn kết xây dựng
nông thôn mới, đô thị văn minh"."""

__version__ = "0.1.0"
