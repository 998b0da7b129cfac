"""Pure building blocks: money, quantities, periods, clock, errors. No I/O, no domain."""
