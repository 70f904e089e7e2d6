"""The fingerprint stage: decode each photo once and record its sidecar."""
