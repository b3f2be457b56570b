"""Codes used in children's records, as the DfE defines them (SEN2 and the school census).

Codes the rules module also needs (setting types, phases, SEN status, tiers) live in
``assessments/rules/codes.py``; these are the ones only the records use.
"""

# Primary and secondary type of need (school census / SEN2).
NEED_TYPES = (
    ("SPLD", "Specific learning difficulty"),
    ("MLD", "Moderate learning difficulty"),
    ("SLD", "Severe learning difficulty"),
    ("PMLD", "Profound and multiple learning difficulty"),
    ("SEMH", "Social, emotional and mental health"),
    ("SLCN", "Speech, language and communication needs"),
    ("HI", "Hearing impairment"),
    ("VI", "Vision impairment"),
    ("MSI", "Multi-sensory impairment"),
    ("PD", "Physical disability"),
    ("ASD", "Autistic spectrum disorder"),
    ("DS", "Down syndrome"),
    ("OTH", "Other difficulty or disability"),
    ("NSA", "SEN support but no specialist assessment of type of need"),
)
NEED_TYPE_LABELS = dict(NEED_TYPES)
# NSA is only valid for pupils on SEN support (status K), never with an EHC plan.
NEED_TYPES_ONLY_WITH_SEN_SUPPORT = frozenset({"NSA"})

GENDERS = (
    ("F", "Female"),
    ("M", "Male"),
    ("U", "Not known or not recorded"),
)

# DfE main ethnicity codes (school census).
ETHNICITIES = (
    ("WBRI", "White – British"),
    ("WIRI", "White – Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WROM", "Gypsy / Roma"),
    ("WOTH", "Any other White background"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black – African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
)

# SEN2: reason an EHC plan ceased.
CEASE_REASONS = (
    ("1", "Moved to another local authority"),
    ("2", "Special educational needs are met without an EHC plan"),
    ("3", "Moved into higher education"),
    ("4", "Moved into paid employment, without training, of 16 hours or more a week"),
    ("5", "Moved into an apprenticeship or traineeship"),
    ("6", "Young person no longer wishes to engage in education or training"),
    ("7", "Child or young person has moved outside England"),
    ("8", "Child or young person has died"),
    ("9", "Other"),
)

# Where the evidence for a domain rating came from.
EVIDENCE_SOURCES = (
    ("school", "School or setting"),
    ("parent", "Parent or carer"),
    ("professional", "Health or care professional"),
    ("caseworker", "Caseworker's own observation"),
)

# Age phases for the children list filter: age in whole years today.
AGE_PHASES = (
    ("early_years", "Early years (0 to 4)", 0, 4),
    ("primary", "Primary (5 to 10)", 5, 10),
    ("secondary", "Secondary (11 to 15)", 11, 15),
    ("post_16", "Post-16 (16 to 25)", 16, 25),
)

# The children list's review date filter (and the caseworker home's counts, which link to it).
REVIEW_WINDOWS = (
    ("overdue", "Overdue"),
    ("next_30_days", "Due in the next 30 days"),
)
REVIEW_SOON_DAYS = 30
