"""The Scrapy project: one generic news spider driven by config/sources.yaml."""
