"""torch's own Muon Newton–Schulz (torch.optim._muon._zeropower_via_newtonschulz, torch
>= 2.9) with the optimizer's default arguments bound, as a one-argument kernel.  The
function itself is torch's; matspec only calls it.  Equivalent to

    matspec validate --op msign --framework torch --dtype bfloat16 \
        --kernel torch.optim._muon:_zeropower_via_newtonschulz \
        --param 'ns_coefficients=(3.4445,-4.775,2.0315)' --param ns_steps=5 --param eps=1e-7 ...
"""
from torch.optim import _muon


def muon_ns(G):
    return _muon._zeropower_via_newtonschulz(
        G, (_muon.DEFAULT_A, _muon.DEFAULT_B, _muon.DEFAULT_C), _muon.DEFAULT_NS_STEPS, _muon.EPS)
