"""``kg.query``: run SPARQL over any Jalin source (public path; the code lives in :mod:`kg.sparql.query`)."""

from kg.sparql.query import FORMATS, QueryResult, format_result, read_query_file, run_query

__all__ = ["FORMATS", "QueryResult", "format_result", "read_query_file", "run_query"]
