#!/usr/bin/env python3
# not-executable.py -- mode 644 on purpose: tests/data/errors.tsv runs it as --node.
