"""Errors with a stable machine-readable code; the CLI turns them into an error event + exit code."""

EXIT_CODES = {
    "config": 2,
    "missing_file": 3,
    "unknown_architecture": 4,
    "shape_mismatch": 5,
    "empty_dataset": 6,
    "out_of_memory": 7,
    "export_check_failed": 8,
    "internal": 1,
    "cancelled": 143,
}


class TrainerError(Exception):
    def __init__(self, code: str, message: str):
        assert code in EXIT_CODES, code
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.code]


class Cancelled(TrainerError):
    def __init__(self, message: str = "cancelled by SIGTERM"):
        super().__init__("cancelled", message)


def is_oom(e: BaseException) -> bool:
    text = str(e).lower()
    return isinstance(e, MemoryError) or type(e).__name__ == "OutOfMemoryError" or "out of memory" in text or "can't allocate memory" in text
