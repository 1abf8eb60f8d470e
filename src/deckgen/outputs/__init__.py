"""Outputs: build, the files a build writes, print targets, imposition, preflight."""
