"""Compatibility module: the extractor is the package etl_project.extraction (a pipeline of named passes,
its rules as data in etl_project/rules/). Import from there in new code."""
from etl_project.extraction import EXTRACTOR_VERSION, OUTPUT_FIELDS, Extractor, extract_jsonl, pass_names

__all__ = ["Extractor", "extract_jsonl", "EXTRACTOR_VERSION", "OUTPUT_FIELDS", "pass_names"]
