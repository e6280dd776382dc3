#!/usr/bin/env python3
"""Validates SARIF logs against the SARIF 2.1.0 JSON schema, string formats included.

Usage: validate_sarif.py SCHEMA LOG...

The schema is installed by scripts/setup.sh (test/integrations/install_sarif_schema.sh).
Formats matter: a relative `helpUri` is well-formed JSON of the right type, and only the
schema's "uri" format rejects it, so a validator that cannot check formats (jsonschema
without rfc3987) is refused rather than trusted.
"""
import json
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2])
    try:
        import jsonschema
        import rfc3987  # noqa: F401  (jsonschema's "uri" format checker)
    except ImportError as e:
        sys.exit(f"validate_sarif.py: {e.name} is not installed: run scripts/setup.sh "
                 "(Debian: python3-jsonschema python3-rfc3987)")
    try:
        with open(sys.argv[1]) as f:
            schema = json.load(f)
    except OSError as e:
        sys.exit(f"validate_sarif.py: no SARIF schema ({e}): run scripts/setup.sh")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    if "uri" not in cls.FORMAT_CHECKER.checkers:
        sys.exit("validate_sarif.py: this jsonschema cannot check the 'uri' format")
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    failed = False
    for path in sys.argv[2:]:
        with open(path) as f:
            log = json.load(f)
        for error in validator.iter_errors(log):
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
            failed = True
    if failed:
        sys.exit(1)
    print(f"valid SARIF 2.1.0: {len(sys.argv) - 2} logs")


if __name__ == "__main__":
    main()
