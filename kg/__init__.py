"""union-kg: knowledge graphs of Chinese labour-union news."""

__version__ = "0.1.0"
