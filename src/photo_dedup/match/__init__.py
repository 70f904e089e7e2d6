"""The match stage: the photo table, candidate pairs, their verification, crops, turns and bursts."""
