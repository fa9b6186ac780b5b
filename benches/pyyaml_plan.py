"""The plan of a synthetic inventory done in Python with PyYAML's C loader.

The scale benchmark times this script against `vanta-gitops plan` on the same files, to show
what a short script in a popular stack costs for the same work. It reads every YAML file of
the inventory, reads the sandbox state, matches records by uniqueId and counts changes.

Usage: python3 pyyaml_plan.py INVENTORY_DIR STATE_FILE
"""

import json
import os
import sys

import yaml


def main(inventory, state_path):
    resources = {}
    desired = {}
    for folder, subfolders, files in os.walk(inventory):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for document in yaml.load_all(handle, Loader=yaml.CLoader):
                    if not document:
                        continue
                    if document["kind"] == "Resource":
                        resources[document["name"]] = document["resourceId"]
                    elif document["kind"] == "Records":
                        records = desired.setdefault(document["resource"], {})
                        for record in document["records"]:
                            records[record["uniqueId"]] = record
    with open(state_path, encoding="utf-8") as handle:
        state = json.load(handle)
    stored = next(iter(state["applications"].values()), {})
    add = change = destroy = 0
    for name, resource_id in resources.items():
        current = {}
        for item in stored.get(resource_id, []):
            if item.get("deletedAt") is None:
                current[item["record"]["uniqueId"]] = item["record"]
        wanted = desired.get(name, {})
        for unique_id, record in wanted.items():
            if unique_id not in current:
                add += 1
            elif current[unique_id] != record:
                change += 1
        destroy += sum(1 for unique_id in current if unique_id not in wanted)
    print(f"Plan: {add} to add, {change} to change, {destroy} to destroy.")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
