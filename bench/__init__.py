"""The benchmark: a realistic fill, every main page timed, a gunicorn run (python -m bench)."""
