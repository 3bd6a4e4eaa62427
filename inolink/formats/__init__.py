"""Date and number formats where Django's own suit a Lithuanian programme less well (FORMAT_MODULE_PATH).

Names not set here fall back to Django's formats for the language.
"""
