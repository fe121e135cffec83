"""After the plan: training records, reflections, evidence files, the regulator's cycle,
reminders, and the downloads that gather them."""
