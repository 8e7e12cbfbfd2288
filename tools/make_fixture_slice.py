#!/usr/bin/env python3
"""Cuts a small, real slice of the CDC ICD-10-CM tabular XML for tests.

Keeps every chapter and section wrapper that leads to the kept categories, with
their notes, and drops all other categories. Usage:
  tools/make_fixture_slice.py TABULAR.xml E11 S52 T45 H40 G35 S06 W19 > tests/fixtures/tabular-slice.xml
"""
import sys
import xml.etree.ElementTree as ET


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tree = ET.parse(sys.argv[1])
    keep = set(sys.argv[2:])
    root = tree.getroot()
    for intro in root.findall("introduction"):
        root.remove(intro)
    for chapter in list(root.findall("chapter")):
        for idx in chapter.findall("sectionIndex"):
            chapter.remove(idx)
        for section in list(chapter.findall("section")):
            for diag in list(section.findall("diag")):
                if diag.findtext("name") not in keep:
                    section.remove(diag)
            if not section.findall("diag"):
                chapter.remove(section)
        if not chapter.findall("section"):
            root.remove(chapter)
    ET.indent(tree, space=" ")
    sys.stdout.write('<?xml version="1.0" encoding="utf-8"?>\n')
    sys.stdout.write(ET.tostring(root, encoding="unicode"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
