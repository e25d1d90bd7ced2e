"""Mirror the portal's API into one JSON file and keep it current from the changes feed.

    python scripts/api_sync_example.py http://127.0.0.1:8000 mirror.json

The first run takes a cursor, then fetches every list; each later run applies only
what the feed lists since the cursor it saved. Standard library only.
"""

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

NOT_LISTS = {"search", "explore", "changes", "schema", "docs", "download"}


def get(url):
    """The JSON at url, None for a 404; waits out a 429 as Retry-After says."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if error.code == 429:
                time.sleep(int(error.headers.get("Retry-After", "5")))
                continue
            raise


def full_fetch(base):
    root = get(f"{base}/api/v1/")
    # The cursor first: a change made during the fetch is applied again afterwards.
    cursor = get(root["changes"] + "?since=latest")["next"]
    records = {}
    for name, url in root.items():
        if name in NOT_LISTS:
            continue
        url += "?cursor=&page_size=500"
        while url:
            page = get(url)
            records |= {record["url"]: record for record in page["results"]}
            url = page["next"]
    return {"cursor": cursor, "records": records}


def apply_changes(mirror):
    url = mirror["cursor"]
    applied = 0
    while True:
        page = get(url)
        for change in page["results"]:
            record = get(change["url"]) if change["action"] in ("created", "updated") else None
            if record is None:  # unpublished, deleted, or gone since
                mirror["records"].pop(change["url"], None)
            else:
                mirror["records"][change["url"]] = record
            applied += 1
        url = page["next"]
        if not page["results"]:
            mirror["cursor"] = url
            return applied


def main(base, path):
    path = Path(path)
    mirror = json.loads(path.read_text()) if path.exists() else full_fetch(base.rstrip("/"))
    applied = apply_changes(mirror)
    path.write_text(json.dumps(mirror, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"{len(mirror['records'])} records in {path}; {applied} changes applied.")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: api_sync_example.py BASE_URL MIRROR.json")
    main(*sys.argv[1:])
