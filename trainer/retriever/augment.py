"""Customer-style noise for training phrasings: the typos and dropped words real questions have."""

import random


def typo(text: str, rnd: random.Random) -> str:
    chars = list(text)
    if len(chars) < 4:
        return text
    i = rnd.randrange(len(chars) - 1)
    op = rnd.random()
    if op < 0.33:
        del chars[i]
    elif op < 0.66:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars.insert(i, rnd.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(chars)


def drop_words(text: str, rnd: random.Random, p: float = 0.2) -> str:
    words = text.split()
    if len(words) < 3:
        return text
    kept = [w for w in words if rnd.random() > p]
    return " ".join(kept) if kept else text


def noisy(text: str, rnd: random.Random) -> str:
    """Half the time the text as written, else with a typo, dropped words, or both."""
    r = rnd.random()
    if r < 0.5:
        return text
    if r < 0.7:
        return typo(text, rnd)
    if r < 0.9:
        return drop_words(text, rnd)
    return typo(drop_words(text, rnd), rnd)
