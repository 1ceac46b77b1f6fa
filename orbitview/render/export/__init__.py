"""Export: offscreen frames, PNGs, video through ffmpeg, text and plots with Pillow.
"""
