"""Decision thresholds shared by the library and the command line.

A module of its own so that ``jalin --help`` can show the defaults without importing the extractor.
"""

#: Facts the relation model (or a rule's measured precision) scores below this are dropped. Chosen on
#: the development set: the lowest threshold whose relation precision there is at least 0.80.
DEFAULT_MIN_CONFIDENCE = 0.3
