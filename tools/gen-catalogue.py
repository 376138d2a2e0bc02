#!/usr/bin/env python3
"""Writes the built-in URL catalogues of the site profiles (presets/profiles/PROFILE.urls.txt), as
`URL  title` lines: shop (an imaginary outdoor-gear shop with a blog, help centre and docs), blog
(a cooking blog), docs (the documentation of an imaginary database) and saas (a project-planning
service). Deterministic: same output on every run.

    tools/gen-catalogue.py [PROFILE [FILE]]     (PROFILE defaults to shop, FILE to stdout)"""
import itertools
import sys

BASE = "https://shop.example.test"

CATEGORIES = {
    "tents": ["Dome Tent", "Tunnel Tent", "Ultralight Tent", "Family Tent", "Bivy Shelter", "Tarp"],
    "backpacks": ["Daypack", "Trekking Pack", "Hydration Pack", "Travel Pack", "Summit Pack", "Hip Pack"],
    "sleeping": ["Down Sleeping Bag", "Synthetic Sleeping Bag", "Sleeping Pad", "Camp Pillow", "Liner", "Hammock"],
    "cooking": ["Camp Stove", "Titanium Pot", "Cook Set", "Water Filter", "Insulated Mug", "Spork"],
    "clothing": ["Rain Jacket", "Fleece Pullover", "Base Layer", "Hiking Pants", "Down Vest", "Sun Hoodie"],
    "footwear": ["Hiking Boot", "Trail Runner", "Approach Shoe", "Camp Sandal", "Gaiter", "Wool Sock"],
    "climbing": ["Harness", "Belay Device", "Carabiner", "Chalk Bag", "Climbing Rope", "Helmet"],
    "navigation": ["Compass", "GPS Watch", "Headlamp", "Map Case", "Altimeter", "Emergency Beacon"],
}
EDITIONS = ["Trail", "Alpine", "Nordic", "Coast", "Canyon", "Forest", "Ridge", "Summit", "Valley", "Glacier"]
COLOURS = ["Slate", "Moss", "Ember", "Fjord"]

BLOG_TOPICS = ["Packing List", "Trail Guide", "Gear Review", "Beginner Tips", "Trip Report", "Care Guide",
               "Buying Guide", "Safety Checklist", "Recipe", "Interview"]
BLOG_PLACES = ["Kungsleden", "Lofoten", "Dolomites", "Sarek", "Cairngorms", "Pyrenees", "Tatra", "Jotunheimen",
               "Lake District", "Abisko", "High Coast", "Julian Alps", "Picos de Europa", "Black Forest",
               "Hardangervidda", "Swiss Jura", "Skye", "Harz", "Vosges", "Ardennes"]

HELP_TOPICS = ["Orders", "Shipping", "Returns", "Payments", "Account", "Warranty", "Repairs", "Sizing"]
HELP_QUESTIONS = ["How do I track my parcel", "Can I change my address", "When will I get my refund",
                  "Which payment methods are accepted", "How do I reset my password", "What does the warranty cover",
                  "Where can I send a repair", "How do I find my size", "Can I cancel an order",
                  "Do you ship abroad", "How do I use a gift card", "What is the return window"]

DOCS = ["Getting Started", "Product Care", "Repair Manual", "Fitting Guide", "Technical Data", "Safety Notes"]


def slug(text):
    return text.lower().replace(" ", "-")


def lines():
    yield (f"{BASE}/", "Example Outdoor Shop")
    for path, title in [("about", "About Us"), ("contact", "Contact"), ("stores", "Find a Store"),
                        ("cart", "Shopping Cart"), ("checkout", "Checkout"), ("account", "My Account"),
                        ("wishlist", "Wishlist"), ("sale", "Sale"), ("new", "New Arrivals"), ("blog", "Blog"),
                        ("help", "Help Centre"), ("docs", "Product Documentation"), ("careers", "Careers"),
                        ("press", "Press"), ("privacy", "Privacy Policy"), ("terms", "Terms of Sale")]:
        yield (f"{BASE}/{path}", title)
    for category, products in CATEGORIES.items():
        nice = category.capitalize()
        yield (f"{BASE}/shop/{category}", f"{nice} | Shop")
        for product in products:
            yield (f"{BASE}/shop/{category}/{slug(product)}", f"{product}s | {nice}")
            for edition, colour in itertools.product(EDITIONS, COLOURS):
                name = f"{edition} {product} {colour}"
                yield (f"{BASE}/shop/{category}/{slug(product)}/{slug(edition)}-{slug(colour)}", f"{name} | {nice}")
    for i, (topic, place) in enumerate(itertools.product(BLOG_TOPICS, BLOG_PLACES), start=1):
        yield (f"{BASE}/blog/{2020 + i % 6}/{slug(topic)}-{slug(place)}", f"{topic}: {place} | Blog")
    for topic in HELP_TOPICS:
        yield (f"{BASE}/help/{slug(topic)}", f"{topic} | Help Centre")
        for question in HELP_QUESTIONS:
            yield (f"{BASE}/help/{slug(topic)}/{slug(question)}", f"{question}? | Help Centre")
    for category, products in CATEGORIES.items():
        for product, doc in itertools.product(products, DOCS):
            yield (f"{BASE}/docs/{category}/{slug(product)}/{slug(doc)}", f"{product}: {doc} | Docs")


BLOG = "https://blog.example.test"
BLOG_CATEGORIES = {
    "baking": ["Sourdough Loaf", "Rye Bread", "Cinnamon Buns", "Focaccia", "Lemon Tart", "Carrot Cake"],
    "weeknight": ["Chickpea Curry", "Lentil Soup", "Pasta Puttanesca", "Fish Tacos", "Fried Rice", "Shakshuka"],
    "preserving": ["Strawberry Jam", "Pickled Cucumbers", "Sauerkraut", "Kimchi", "Apple Chutney", "Lemon Curd"],
    "vegetarian": ["Mushroom Risotto", "Stuffed Peppers", "Falafel", "Dal", "Vegetable Lasagne", "Halloumi Salad"],
    "seasonal": ["Pumpkin Soup", "Asparagus Tart", "Elderflower Cordial", "Plum Crumble", "Winter Stew", "Summer Salad"],
}
BLOG_ANGLES = ["", "Easy", "Quick", "Classic", "Gluten-Free"]
BLOG_GUIDES = ["Knife Skills", "Stocking a Pantry", "Meal Planning", "Kitchen Scales", "Cast Iron Care",
               "Freezing Leftovers", "Bread Flour", "Fermentation Basics", "Spice Blends", "Food Safety"]

DOCS_BASE = "https://docs.example.test"
DOCS_VERSIONS = ["3.2", "3.1", "2.9"]
DOCS_SECTIONS = {
    "getting-started": ["Installation", "Quick Start", "Configuration", "First Query", "Upgrading"],
    "guides": ["Backup and Restore", "Replication", "Indexes", "Transactions", "Full-Text Search",
               "Access Control", "Monitoring", "Performance Tuning", "Migrations", "High Availability"],
    "reference": ["SQL Syntax", "Data Types", "Functions", "Operators", "Configuration Keys",
                  "Command-Line Tool", "HTTP API", "Error Codes", "System Tables", "Client Libraries"],
    "operations": ["Docker", "Kubernetes", "Systemd", "Storage", "Security Hardening", "Logs"],
}
DOCS_PAGES = [("", "Overview"), ("examples", "Examples"), ("troubleshooting", "Troubleshooting")]

SAAS = "https://www.example.test"
SAAS_FEATURES = ["Boards", "Timelines", "Gantt Charts", "Time Tracking", "Automations", "Reports",
                 "Integrations", "Forms", "Templates", "Workload", "Goals", "Docs"]
SAAS_USES = ["Marketing Teams", "Software Teams", "Agencies", "Operations", "Product Teams", "Remote Teams"]
SAAS_HELP = ["Account", "Billing", "Plans", "Seats", "Single Sign-On", "Integrations", "Import", "Export",
             "Notifications", "Security"]
SAAS_QUESTIONS = ["How do I invite my team", "How do I change my plan", "How do I cancel",
                  "Where is my invoice", "How do I set up SSO", "How do I import from spreadsheets"]
SAAS_APP = ["dashboard", "projects", "projects/new", "inbox", "reports", "settings", "settings/billing",
            "settings/members", "settings/integrations", "calendar"]


def blog_lines():
    yield (f"{BLOG}/", "Example Kitchen Notes")
    for path, title in [("about", "About"), ("contact", "Contact"), ("recipes", "All Recipes"),
                        ("guides", "Kitchen Guides"), ("newsletter", "Newsletter"), ("shop", "Shop"),
                        ("shop/cart", "Cart"), ("privacy", "Privacy Policy"), ("search", "Search")]:
        yield (f"{BLOG}/{path}", f"{title} | Example Kitchen Notes")
    year = 2020
    for category, dishes in BLOG_CATEGORIES.items():
        nice = category.capitalize()
        yield (f"{BLOG}/recipes/{category}", f"{nice} Recipes | Example Kitchen Notes")
        for dish, angle in itertools.product(dishes, BLOG_ANGLES):
            year = 2020 + (year + 1) % 7
            name = f"{angle} {dish}".strip()
            yield (f"{BLOG}/{year}/{slug(name)}", f"{name} | {nice}")
    for guide in BLOG_GUIDES:
        yield (f"{BLOG}/guides/{slug(guide)}", f"{guide} | Kitchen Guides")


def docs_lines():
    yield (f"{DOCS_BASE}/", "ExampleDB Documentation")
    for path, title in [("search", "Search"), ("changelog", "Changelog"), ("faq", "FAQ"),
                        ("community", "Community"), ("training", "Training"), ("support", "Support Plans")]:
        yield (f"{DOCS_BASE}/{path}", f"{title} | ExampleDB Docs")
    for version in DOCS_VERSIONS:
        for section, topics in DOCS_SECTIONS.items():
            nice = section.replace("-", " ").capitalize()
            yield (f"{DOCS_BASE}/{version}/{section}", f"{nice} | ExampleDB {version}")
            for topic, (page, label) in itertools.product(topics, DOCS_PAGES):
                path = f"{DOCS_BASE}/{version}/{section}/{slug(topic)}" + (f"/{page}" if page else "")
                title = topic if not page else f"{topic}: {label}"
                yield (path, f"{title} | ExampleDB {version}")


def saas_lines():
    yield (f"{SAAS}/", "ExamplePlan: Project Planning for Teams")
    for path, title in [("pricing", "Pricing"), ("features", "Features"), ("signup", "Sign Up"),
                        ("login", "Log In"), ("demo", "Book a Demo"), ("customers", "Customers"),
                        ("security", "Security"), ("about", "About"), ("careers", "Careers"),
                        ("blog", "Blog"), ("help", "Help Centre"), ("status", "Status"),
                        ("terms", "Terms of Service"), ("privacy", "Privacy Policy")]:
        yield (f"{SAAS}/{path}", f"{title} | ExamplePlan")
    for feature in SAAS_FEATURES:
        yield (f"{SAAS}/features/{slug(feature)}", f"{feature} | Features | ExamplePlan")
    for use in SAAS_USES:
        yield (f"{SAAS}/solutions/{slug(use)}", f"For {use} | ExamplePlan")
    for i, (feature, use) in enumerate(itertools.product(SAAS_FEATURES, SAAS_USES), start=1):
        yield (f"{SAAS}/blog/{2021 + i % 5}/{slug(feature)}-for-{slug(use)}", f"{feature} for {use} | Blog")
    for topic in SAAS_HELP:
        yield (f"{SAAS}/help/{slug(topic)}", f"{topic} | Help Centre")
        for question in SAAS_QUESTIONS:
            yield (f"{SAAS}/help/{slug(topic)}/{slug(question)}", f"{question}? | Help Centre")
    for page in SAAS_APP:
        title = page.replace("/", ": ").replace("-", " ").title()
        yield (f"{SAAS}/app/{page}", f"{title} | ExamplePlan")


PROFILES = {
    "shop": (lines, "an imaginary shop on the reserved .test domain"),
    "blog": (blog_lines, "an imaginary cooking blog on the reserved .test domain"),
    "docs": (docs_lines, "the documentation of an imaginary database on the reserved .test domain"),
    "saas": (saas_lines, "an imaginary project-planning service on the reserved .test domain"),
}


def main():
    profile = sys.argv[1] if len(sys.argv) > 1 else "shop"
    make, what = PROFILES[profile]
    out = sys.stdout if len(sys.argv) < 3 else open(sys.argv[2], "w", encoding="utf-8")
    out.write("# Built-in URL catalogue of trafficinator: URL, two spaces, page title.\n")
    out.write(f"# Generated by tools/gen-catalogue.py {profile}; {what}.\n")
    for url, title in make():
        out.write(f"{url}  {title}\n")


if __name__ == "__main__":
    main()
