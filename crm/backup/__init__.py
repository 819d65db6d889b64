"""Export of all of a creator's data as one versioned JSON file; restore into an empty account."""
