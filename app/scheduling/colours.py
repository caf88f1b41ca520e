"""Class colours on calendars: a class type's colour, and the text that reads on it."""

import re

DEFAULT_COLOUR = "#206bc4"
WHITE, DARK = "#ffffff", "#182433"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: float, second: float) -> float:
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """White or dark text, whichever reads better on `background` ("#rrggbb")."""
    shade = _luminance(background)
    on_white = _contrast(shade, _luminance(WHITE))
    on_dark = _contrast(shade, _luminance(DARK))
    return WHITE if on_white >= on_dark else DARK


def class_colours(colour: str | None) -> tuple[str, str]:
    """(background, text) for a class type's colour; a malformed one gets the default."""
    background = colour.lower() if colour and _HEX.fullmatch(colour) else DEFAULT_COLOUR
    return background, text_colour(background)
