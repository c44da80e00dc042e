"""`python -m schema` writes schema.graphql next to the project root."""

from pathlib import Path

from schema import schema_sdl

path = Path(__file__).resolve().parent.parent / "schema.graphql"
path.write_text(schema_sdl(), encoding="utf-8")
print(f"wrote {path.name}")
