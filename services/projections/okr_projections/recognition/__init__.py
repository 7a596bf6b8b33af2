"""Recognition read models: a person's kudos, honours and badges, and a team's recognition wall."""
