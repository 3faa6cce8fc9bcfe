"""The nightly job's spark-submit arguments, read from nightly_args.json beside this file.

Both the Airflow DAG (nightshift_nightly.py) and the cluster tests use this module, so what Airflow
launches is what the tests ran. No Airflow import: it runs on plain python3.

    python3 nightly_args.py --home /opt/nightshift [--ds 2026-11-28]
prints the application arguments as a JSON list (with --ds, {{ ds }} filled in).
"""

import argparse
import json
import os

_SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nightly_args.json")


def spec():
    """The JSON spec as a dict."""
    with open(_SPEC, encoding="utf-8") as f:
        return json.load(f)


def home_path(home, relative):
    """A path of the spec made absolute against the Nightshift home."""
    return os.path.join(home, relative)


def application_args(home, ds=None):
    """The job's arguments: option values named in home_relative_args resolved against home; with
    ds, the Airflow template {{ ds }} replaced by it (Airflow renders it itself otherwise)."""
    s = spec()
    out = []
    resolve_next = False
    for a in s["application_args"]:
        if resolve_next:
            a = home_path(home, a)
        resolve_next = a in s["home_relative_args"]
        if ds is not None:
            a = a.replace("{{ ds }}", ds)
        out.append(a)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", required=True)
    p.add_argument("--ds")
    a = p.parse_args()
    print(json.dumps(application_args(a.home, a.ds)))
