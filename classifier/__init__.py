"""Tags articles with the plan's content areas (issue: the Vietnamese classifier).

The only package that will call underthesea; it never imports `crawler` or `search`.
"""
