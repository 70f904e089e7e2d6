"""The choose stage: groups, their keepers, edit and similar tiers, and the user's decisions."""
