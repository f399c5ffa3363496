"""Readers: each format turns into raw ``Article`` records or ``Reject`` records."""
