# Lithuanian groups thousands with a (non-breaking) space, 1 200,50, not with a full stop as Django has it.
THOUSAND_SEPARATOR = "\xa0"
