"""What the command-line tests share: the shipped scenario files and a way to write others."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
ANNOUNCED = str(SCENARIOS / "france-relance-2020.yaml")
PUSH = str(SCENARIOS / "decarbonisation-push.yaml")


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)
