"""One dialog engine for the voice lines (IVR) and USSD, its adapters and its speech."""
