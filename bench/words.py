"""The words the fill builds brand names and tags from (bench data, not market facts)."""

# fmt: off
# Drawn with falling weights: "Glow" is common and the tail is rare.
FIRST = (
    "Glow", "Luna", "Bloom", "Pure", "Wild", "Urban", "Golden", "Little", "Happy", "Fresh",
    "Velvet", "Coastal", "Honest", "Bright", "Nordic", "Sunny", "Cozy", "Bold", "Silver",
    "Maple", "Olive", "Cedar", "Coral", "Amber", "Ivory", "Sage", "Willow", "Ember", "Harbor",
    "Meadow", "Prairie", "Summit", "Atlas", "Nova", "Echo", "Juniper", "Fern", "Birch",
    "Pebble", "Copper",
)
SECOND = (
    "Botanics", "Skin", "Studio", "Labs", "Kitchen", "Goods", "Supply", "Co", "Beauty",
    "Wellness", "Threads", "Pets", "Coffee", "Tea", "Home", "Fitness", "Snacks", "Candles",
    "Apparel", "Naturals", "Organics", "Outdoors", "Games", "Books", "Baby", "Jewelry",
    "Bakery", "Brews", "Care", "Collective", "Market", "Works", "Atelier", "Tech", "Audio",
    "Garden", "Living",
)
TAGS = (
    "skincare", "q4", "gifting", "ugc-only", "paid", "affiliate", "eco", "vegan", "local",
    "holiday", "summer", "back-to-school", "repeat-client", "slow-payer", "agency-managed",
    "tiktok-shop", "high-budget", "small-budget", "retainer", "spring", "launch",
    "samples-only", "usage-rights", "whitelisting", "bundles", "cruelty-free",
)
# fmt: on
# A few names outside ASCII: accents, Cyrillic, Japanese, Korean, Arabic, Greek.
SPECIAL_NAMES = (
    "Crème de la Côte",
    "Café Niño",
    "Søren & Jørgensen",
    "Ünal Naturkosmetik",
    "Łódź Design",
    "Москва Косметика",
    "東京ティーハウス",
    "서울 뷰티",
    "عطور الشرق",
    "Ελιά Φυσικά",
    "Straße Schuhe",
    "São Paulo Açaí",
)
