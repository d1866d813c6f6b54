"""Harness of the OCI conformance suite: bundles, runtime driver, results."""
