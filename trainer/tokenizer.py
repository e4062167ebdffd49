"""A byte-level BPE tokenizer in HF tokenizers JSON format, for from-scratch base models.

Same conventions as SmolLM2: `<|endoftext|>`, `<|im_start|>`, `<|im_end|>` first, digits split
one by one, GPT-2 byte-level pre-tokenizer and decoder, no BOS added, ChatML chat template.
Merges are learned from a short built-in English text, so sequences are ~2x shorter than bytes.
"""

import re
from collections import Counter

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Built-in training text for the merges: plain support-desk English (written for this project).
CORPUS = """
Thank you for contacting customer support. My name is Alex and I will be happy to help you today.
Could you please tell me your order number? You can find it in the confirmation email we sent you.
Your order has been shipped and should arrive within three to five business days. You can track the
package with the tracking number in your account. If the package has not arrived after seven days,
please contact us again and we will open an investigation with the carrier.
We offer free shipping on all orders over fifty dollars. Standard shipping usually takes five to seven
business days, and express shipping takes one to two business days. International orders may take longer
because of customs checks.
You can return any item within thirty days of delivery for a full refund. The item must be unused and in
its original packaging. To start a return, sign in to your account, open the order, and select the items you
want to return. We will send you a prepaid return label by email. Refunds are issued to the original payment
method within five business days after we receive the return.
If you forgot your password, click the link that says forgot password on the sign in page. We will send you
an email with a link to reset your password. The link expires after one hour. If you do not receive the email,
please check your spam folder or ask us to send it again.
To change your email address or phone number, go to the account settings page and update your profile.
For security reasons we may ask you to confirm the change with a code that we send to your phone.
Your subscription renews automatically every month. You can cancel at any time from the billing page, and
you will keep access until the end of the current billing period. We do not charge a cancellation fee.
If you were charged twice, please send us the date and the amount of both payments, and we will refund the
duplicate charge as soon as possible. We accept credit cards, debit cards and bank transfers.
I am sorry to hear that the product arrived damaged. Could you please send a photo of the damage? We will
ship a replacement right away at no extra cost, and you do not need to return the damaged item.
Our support team is available from Monday to Friday, nine in the morning until six in the evening. On weekends
you can reach us by email and we will answer within one business day.
The warranty covers manufacturing defects for two years from the date of purchase. It does not cover damage
caused by accidents, water or normal wear. To make a warranty claim, please provide your receipt and a short
description of the problem.
Is there anything else I can help you with today? Thank you for your patience, and have a great day.
The user asked how to update the payment information. The assistant explained that the card details can be
changed on the billing page, and that the new card will be used for the next payment.
Please note that prices and availability may change without notice. Discount codes cannot be combined and must be
entered before you complete the checkout. If a code does not work, make sure it has not expired.
We store your personal data securely and never sell it to third parties. You can download or delete your data
at any time from the privacy settings. If you have questions about privacy, please write to our data protection team.
To install the application, download it from our website, open the file and follow the instructions on the screen.
If the installation fails, restart your computer and try again. Make sure your system meets the minimum requirements.
"""

_PRETOKEN = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")


def bytes_to_unicode() -> dict:
    """GPT-2's reversible byte -> printable character map (what the ByteLevel components use)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def learn_merges(text: str, n_merges: int) -> list:
    b2u = bytes_to_unicode()
    words = Counter("".join(b2u[b] for b in w.encode()) for w in _PRETOKEN.findall(text))
    splits = {w: list(w) for w in words}
    merges = []
    while len(merges) < n_merges:
        pairs = Counter()
        for w, count in words.items():
            s = splits[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += count
        if not pairs:
            break
        (a, b), count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))  # deterministic tie-break
        if count < 2:
            break
        merges.append((a, b))
        for w, s in splits.items():
            i, out = 0, []
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            splits[w] = out
    return merges


def build_tokenizer(n_merges: int) -> dict:
    """Returns the tokenizer.json object (HF tokenizers format)."""
    b2u = bytes_to_unicode()
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for b in range(256):
        vocab[b2u[b]] = len(vocab)
    merges = learn_merges(CORPUS, n_merges)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        for i, t in enumerate(SPECIALS)
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True}, byte_level]},
        "post_processor": None,
        "decoder": dict(byte_level),
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def tokenizer_config(model_max_length: int) -> dict:
    # eos is the end-of-turn token and pad differs from it, so collators that mask padding
    # never mask the end of an assistant turn (same choice as tunedesk-chat-17m).
    return {
        "add_bos_token": False,
        "add_eos_token": False,
        "add_prefix_space": False,
        "bos_token": "<|im_start|>",
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": model_max_length,
        "tokenizer_class": "GPT2Tokenizer",
    }


def encode_bytes_only(tok: dict, text: str) -> list:
    """Byte-level ids without merges: enough for tests that need valid ids without a real tokenizer."""
    b2u = bytes_to_unicode()
    vocab = tok["model"]["vocab"]
    return [vocab[b2u[b]] for b in text.encode()]
