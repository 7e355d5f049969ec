"""Geo-Context Prototype (GCP) module. NOT in any SkySense release: every choice below is ours.

API
    GeoContext(dims=1024, lat_cells=64, lon_cells=64, prototypes=100, temperature=0.1, device=None)
    region_index(lat, lon) -> (B,) int64 region id for latitude/longitude in degrees
    forward(fused: (B, dims, h, w), lat: (B,), lon: (B,)) -> (B, 2*dims, h, w) = cat([fused, geo], dim=1)

Choices (documented in the manifest's geoContext entry):
    - Regions: an equal-angle latitude/longitude grid, lat_cells rows from +90 (north) to -90 and
      lon_cells columns from -180 (west) eastwards; region = row * lon_cells + col.
      Official default 64 x 64 = 4096 regions (N_R = 4096 as quoted for the paper). Latitude is
      clamped to [-90, 90]; longitude wraps (180 == -180).
    - prototypes: one parameter (N_R, N_p, d); default N_p = 100, d = fused width.
    - Read-out: cosine attention of every fused location over its region's N_p prototypes,
      softmax(cos / temperature) @ prototypes; no learned projections, so the bank stays a
      plain prototype set that a Sinkhorn-Knopp/EMA pre-training can update in place.
    - Output keeps the fused feature and appends the geo feature: 2*d channels.
State dict: prototypes.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from models.reference.transformer_layer import trunc_normal_


class GeoContext(nn.Module):
    def __init__(self, dims=1024, lat_cells=64, lon_cells=64, prototypes=100, temperature=0.1, device=None):
        super().__init__()
        self.dims = dims
        self.lat_cells = lat_cells
        self.lon_cells = lon_cells
        self.temperature = temperature
        self.prototypes = nn.Parameter(torch.empty(lat_cells * lon_cells, prototypes, dims, device=device))
        trunc_normal_(self.prototypes)

    @property
    def regions(self):
        return self.lat_cells * self.lon_cells

    def region_index(self, lat, lon):
        lat = lat.to(torch.float32).clamp(-90.0, 90.0)
        lon = lon.to(torch.float32)
        row = torch.floor((90.0 - lat) * (self.lat_cells / 180.0)).clamp(0, self.lat_cells - 1)
        col = torch.floor((lon + 180.0) * (self.lon_cells / 360.0))
        col = col - torch.floor(col / self.lon_cells) * self.lon_cells
        return (row * self.lon_cells + col).long()

    def forward(self, fused, lat, lon):
        b, c, h, w = fused.shape
        protos = self.prototypes[self.region_index(lat, lon)]  # (B, N_p, d)
        q = F.normalize(fused.flatten(2).transpose(1, 2), dim=-1)  # (B, hw, d)
        attn = (q @ F.normalize(protos, dim=-1).transpose(1, 2)) / self.temperature
        geo = attn.softmax(dim=-1) @ protos
        geo = geo.transpose(1, 2).reshape(b, c, h, w)
        return torch.cat((fused, geo), dim=1)
