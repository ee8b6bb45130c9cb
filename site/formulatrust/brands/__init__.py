"""Brand showcases: the public page and the editor, with the advertising-compliance gate."""
