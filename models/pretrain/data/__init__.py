"""Turns the read-only imagery under ../shared/data into pre-training samples."""
