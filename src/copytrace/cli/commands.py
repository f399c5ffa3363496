"""Imports every command module so each registers on ``main``."""
