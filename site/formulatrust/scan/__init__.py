"""Scanning a can: the GS1 Digital Link resolver, provenance facts, trace data, code issuance
and problem reports."""
