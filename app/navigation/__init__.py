"""Navigation: named menus, each an ordered tree of items with translated labels."""
