"""Names for generated people and places. Common given names and surnames, grouped loosely by
heritage so that a child's name fits the ethnicity recorded for them; place names are made up
from common English place-name parts, so no real school is named."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Heritage groups: first names (girls, boys) and surnames.
NAMES = {
    "english": (
        _words(
            "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella "
            "Grace Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte "
            "Harper Millie Matilda Ruby Alice Maisie Esme Hallie Layla Ellie Erin Lucy Chloe "
            "Holly Jessica Megan Hannah Katie Leah Abigail Bethany Niamh Imogen Lola Zara"
        ),
        _words(
            "Noah Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie "
            "Jack Charlie Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac "
            "Teddy Alexander Luca Edward James Joshua Albie Elijah Max Mason Reuben Rory Sonny "
            "Ethan Harrison Dylan Logan Riley Tyler Kai Jake Callum Lewis Toby Ben Sam Joseph"
        ),
        _words(
            "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
            "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
            "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
            "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
            "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell "
            "Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh "
            "Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain "
            "Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
            "Barker Fisher Stevens Jenkins Dixon Fletcher Howard Gibson Ellison Payne Hart"
        ),
    ),
    "irish": (
        _words("Aoife Ciara Niamh Siobhan Roisin Orla Caoimhe Saoirse Grainne Eimear Mary Bridget"),
        _words("Cian Oisin Conor Sean Padraig Declan Ronan Eoin Liam Darragh Fionn Michael"),
        _words(
            "Murphy Kelly O'Brien Byrne Ryan O'Connor Doyle Walsh McCarthy Gallagher Quinn Flynn"
        ),
    ),
    "traveller": (
        _words("Bridget Mary Margaret Kathleen Chelsea Shannon Tiffany Brigid"),
        _words("Patrick John Michael Martin Thomas Christy Jimmy Johnny"),
        _words("Ward McDonagh Joyce Maughan Connors Doherty Delaney Lee Price Smith"),
    ),
    "roma": (
        _words("Maria Elena Ana Denisa Andreea Nikoleta Simona Ramona"),
        _words("Marius Ionut Florin Daniel Adrian Stefan Gabriel Robert"),
        _words("Lakatos Balog Horvath Kolompar Duna Radu Stan Gaman"),
    ),
    "european": (
        _words("Zuzanna Maja Julia Amelia Hanna Alicja Lena Oliwia Sofia Emilia Ana Ioana Lucia"),
        _words("Jakub Kacper Szymon Antoni Filip Mateusz Luca Andrei David Matei Tomas Marco"),
        _words(
            "Nowak Kowalski Wisniewski Popescu Ionescu Silva Santos Rossi Ferreira Kaminski Novak"
        ),
    ),
    "south_asian": (
        _words(
            "Aisha Maryam Fatima Zainab Hafsa Inaaya Ayesha Anaya Aaliyah Simran Priya Riya "
            "Anika Saanvi Khadija Sana Noor Amira Alina Mehreen"
        ),
        _words(
            "Muhammad Mohammed Yusuf Ibrahim Ayaan Zayn Hamza Arjun Aarav Rayan Ali Adam "
            "Musa Omar Harun Ishaan Rohan Vihaan Kabir Zakariya"
        ),
        _words(
            "Khan Ahmed Ali Hussain Patel Begum Rahman Islam Akhtar Iqbal Shah Uddin Miah "
            "Sharma Singh Kaur Chowdhury Mahmood Butt Malik"
        ),
    ),
    "east_asian": (
        _words("Mei Xin Yan Lin Hui Jia Wen Yu Ling Qing"),
        _words("Wei Jun Hao Ming Jian Chen Kai Yi Hong Long"),
        _words("Chen Wang Li Zhang Liu Wong Lam Cheung Ng Chan"),
    ),
    "african": (
        _words(
            "Favour Precious Blessing Esther Grace Amara Adaeze Zainab Nia Abena Chidinma "
            "Ifeoma Ayomide Deborah Temitope"
        ),
        _words(
            "David Daniel Samuel Emmanuel Joshua Michael Kwame Tobi Chidi Ayo Segun Kofi "
            "Elijah Isaac Jayden"
        ),
        _words(
            "Okafor Adeyemi Mensah Osei Okonkwo Adebayo Boateng Asante Mohamed Ibrahim Abdi "
            "Ahmed Nwosu Owusu Bello"
        ),
    ),
    "caribbean": (
        _words("Kiara Jada Imani Tia Shanice Aaliyah Destiny Jasmine Keisha Nia"),
        _words("Tyrese Jayden Malachi Kai Reuben Tyler Jermaine Andre Marcus Isaiah"),
        _words("Campbell Williams Brown Thomas Francis Henry Clarke Gordon Reid Grant"),
    ),
}

# Which heritage name lists go with each ethnicity code (weights).
ETHNICITY_NAMES = {
    "WBRI": {"english": 1},
    "WIRI": {"irish": 3, "english": 1},
    "WIRT": {"traveller": 1},
    "WROM": {"roma": 1},
    "WOTH": {"european": 3, "english": 1},
    "MWBC": {"caribbean": 1, "english": 1},
    "MWBA": {"african": 1, "english": 1},
    "MWAS": {"south_asian": 1, "english": 1},
    "MOTH": {"english": 1, "european": 1, "caribbean": 1},
    "AIND": {"south_asian": 1},
    "APKN": {"south_asian": 1},
    "ABAN": {"south_asian": 1},
    "AOTH": {"south_asian": 1, "east_asian": 1},
    "CHNE": {"east_asian": 1},
    "BCRB": {"caribbean": 1},
    "BAFR": {"african": 1},
    "BOTH": {"african": 1, "caribbean": 1},
    "OOTH": {"english": 1, "south_asian": 1, "african": 1, "european": 1},
    "REFU": {"english": 3, "european": 1},
    "NOBT": {"english": 3, "south_asian": 1, "african": 1},
}

PLACE_STARTS = _words(
    "Ash Oak Elm Brook Hill Stone Wood Mill Cross Green Fair High Long Kings Queens Church "
    "Bridge Red White Black Holly Beech Birch Willow Maple Hazel Thorn Fern Moor Marsh Lake "
    "Castle Abbey Priory Chapel Meadow Orchard Heath Lark Swan Rook Crane Fox Deer Hart Wolf "
    "Bram Cole Dun Hay Lin Sand Sel Shep Wick Wey Whit Hamp Ald Brad Chil Gold Bur Hare"
)
PLACE_ENDS = _words(
    "field ford ley ton bury wood brook hurst den well gate combe worth ham stead dale side "
    "mere cliffe bourne thorpe by wich don hope"
)
SAINTS = _words(
    "Mary's Peter's Paul's John's Andrew's Michael's Joseph's George's Margaret's Anne's Luke's Mark's"
)


def place_names() -> list[str]:
    """Every made-up place name, in a fixed order."""
    return [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
