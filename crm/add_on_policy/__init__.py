"""The creator's stored add-on policy: their own uplift percentages (rates/addons applies them)."""
