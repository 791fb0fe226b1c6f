#!/usr/bin/env python
from vandong.cli import main

if __name__ == "__main__":
    main()
